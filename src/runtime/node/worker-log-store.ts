import { Worker } from 'node:worker_threads';
import type { AnalyticsQuery, AnalyticsRow, LogPage, LogQuery, LogStore } from '../../state/log-store.ts';
import type { RequestRecord } from '../../telemetry/request-record.ts';
import type { LogStoreCall, LogStoreMessage, LogStoreWorkerData } from './log-store-messages.ts';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Distributes `Omit` over the call union, so each method keeps its own fields. */
type CallWithoutId = LogStoreCall extends infer Call ? (Call extends LogStoreCall ? Omit<Call, 'id'> : never) : never;

/**
 * The SQLite request log behind a worker thread (`log-store-worker.ts`): the main thread only posts records, and the
 * client, the INSERTs and the disk writes run beside it, so a batch written under load never holds up a request.
 * Calls are answered in order. The worker keeps the process alive only while a call waits for its answer.
 */
export class WorkerLogStore implements LogStore {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;

  /** Starts the worker on `path`; rejects (and stops it) when the file cannot be opened or prepared. */
  static start(path: string): Promise<WorkerLogStore> {
    const data: LogStoreWorkerData = { path };
    const worker = startWorker(data);
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => fail(error);
      const onExit = (code: number) => fail(new Error(`the request log worker exited with code ${code}`));
      const onMessage = (message: LogStoreMessage) => {
        if (message.kind !== 'opened') {
          fail(new Error(message.kind === 'unavailable' ? message.error : 'unexpected message'));
          return;
        }
        stopListening();
        resolve(new WorkerLogStore(worker));
      };
      // Only these listeners: removing all would take the worker's own with them.
      const stopListening = () => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.off('message', onMessage);
      };
      const fail = (error: Error) => {
        stopListening();
        void worker.terminate();
        reject(error);
      };
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.on('message', onMessage);
    });
  }

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.unref();
    worker.on('message', (message: LogStoreMessage) => this.settle(message));
    const stop = (error: Error) => {
      this.failure = error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => stop(error));
    worker.on('exit', () => stop(new Error('the request log worker has stopped')));
  }

  append(records: readonly RequestRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.call({ method: 'append', records }) as Promise<void>;
  }

  query(query: LogQuery): Promise<LogPage> {
    return this.call({ method: 'query', query }) as Promise<LogPage>;
  }

  aggregate(query: AnalyticsQuery): Promise<AnalyticsRow[]> {
    return this.call({ method: 'aggregate', query }) as Promise<AnalyticsRow[]>;
  }

  deleteOlderThan(cutoff: number): Promise<number> {
    return this.call({ method: 'deleteOlderThan', cutoff }) as Promise<number>;
  }

  /** Closes the file after the calls already sent, then ends the worker. */
  async close(): Promise<void> {
    if (this.failure) return;
    await this.call({ method: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }

  private call(call: CallWithoutId): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...call, id });
    });
  }

  private settle(message: LogStoreMessage): void {
    if (message.kind !== 'reply' && message.kind !== 'failed') return;
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.kind === 'reply') waiting.resolve(message.value);
    else waiting.reject(new Error(message.error));
  }
}

/**
 * The bundle (`dist/`) ships the worker as `dist/log-store-worker.mjs`; from the sources (tests, `bin/` without a
 * bundle) `log-store-worker-from-source.mjs` loads the TypeScript file through tsx.
 */
function startWorker(data: LogStoreWorkerData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    const entry = new URL(here.includes('/chunks/') ? '../log-store-worker.mjs' : './log-store-worker.mjs', here);
    return new Worker(entry, { workerData: data });
  }
  return new Worker(new URL('./log-store-worker-from-source.mjs', here), { workerData: data });
}
