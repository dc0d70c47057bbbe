import type { RequestRecord } from '../telemetry/request-record.ts';

/**
 * `ok`: no error; `error`: an error status or a stream that failed after it started; a number: that exact status.
 */
export type LogStatusFilter = 'ok' | 'error' | number;

/** Filters shared by queries and aggregates. Times are milliseconds since the epoch: `from` inclusive, `to` not. */
export type LogFilter = {
  from?: number;
  to?: number;
  /** Matches the model the client asked for or the upstream model that answered (or was last tried). */
  model?: string;
  /** The provider that answered, or the last one tried. */
  provider?: string;
  keyId?: string;
  status?: LogStatusFilter;
};

export type LogQuery = LogFilter & {
  /** At most this many records, newest first. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Include `requestBody` and `completionBody` where they were kept (default: left out). */
  bodies?: boolean;
};

export type LogPage = { records: RequestRecord[]; nextCursor?: string };

export type LogGroupBy = 'model' | 'provider' | 'key';

export type AnalyticsQuery = LogFilter & {
  from: number;
  to: number;
  /** Bucket width; buckets start at multiples of it since the epoch (UTC). */
  bucketMs: number;
  groupBy: LogGroupBy;
};

/** One time bucket of one group. Percentiles are nearest-rank over the bucket's latencies. */
export type AnalyticsRow = {
  bucketStart: number;
  /** The model (as `recordModel`), provider or key id; null for records without a provider or key. */
  group: string | null;
  requests: number;
  errors: number;
  cacheHits: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  costUsd: number;
};

/**
 * The request log: one `RequestRecord` per request: metadata, plus the request and completion bodies when
 * `telemetry.log.bodies` kept them (returned only by a query that asks for them). Every backend passes
 * `log-store-conformance.ts`.
 */
export interface LogStore {
  /** Appends records in one write. */
  append(records: readonly RequestRecord[]): Promise<void>;
  /** Newest first (by start time, then by arrival), filtered, one page at a time. */
  query(query: LogQuery): Promise<LogPage>;
  /** Rows ordered by bucket start, then group (null first). Empty buckets are left out. */
  aggregate(query: AnalyticsQuery): Promise<AnalyticsRow[]>;
  /** Deletes records that started before `cutoff`; returns how many. */
  deleteOlderThan(cutoff: number): Promise<number>;
}

/** Cursors name the last record of a page by its start time and arrival sequence. */
export function encodeLogCursor(startedAt: number, sequence: number): string {
  return `${startedAt}.${sequence}`;
}

export function decodeLogCursor(cursor: string): { startedAt: number; sequence: number } | undefined {
  const match = /^(\d{1,16})\.(\d{1,16})$/.exec(cursor);
  if (!match) return undefined;
  return { startedAt: Number(match[1]), sequence: Number(match[2]) };
}
