import type { AnalyticsQuery, AnalyticsRow, LogPage, LogQuery } from '../../state/log-store.ts';
import type { RequestRecord } from '../../telemetry/request-record.ts';

/** What the request log's worker thread is opened with. */
export type LogStoreWorkerData = { path: string };

/** A call from the main thread to the request log's worker thread; `id` pairs it with its reply. */
export type LogStoreCall =
  | { id: number; method: 'append'; records: readonly RequestRecord[] }
  | { id: number; method: 'query'; query: LogQuery }
  | { id: number; method: 'aggregate'; query: AnalyticsQuery }
  | { id: number; method: 'deleteOlderThan'; cutoff: number }
  | { id: number; method: 'close' };

/** The worker's answers: once whether the file opened, then one reply per call (errors as their message). */
export type LogStoreMessage =
  | { kind: 'opened' }
  | { kind: 'unavailable'; error: string }
  | { kind: 'reply'; id: number; value: undefined | LogPage | AnalyticsRow[] | number }
  | { kind: 'failed'; id: number; error: string };
