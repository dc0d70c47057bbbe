import type { Logger } from '../../app-deps.ts';
import type { AnalyticsQuery, AnalyticsRow, LogPage, LogQuery, LogStore } from '../../state/log-store.ts';
import { MemoryLogStore } from '../../state/memory/memory-log-store.ts';
import type { RequestRecord } from '../../telemetry/request-record.ts';
import { WorkerLogStore } from './worker-log-store.ts';

export type NodeLogStoreOptions = {
  /** The SQLite file (relative paths from the working directory). */
  path: string;
  /** Records the memory fallback keeps. */
  maxEntries: number;
  logger: Logger;
};

/**
 * Node's default request log: the SQLite file `path`, kept by a worker thread (`WorkerLogStore`) that starts on first
 * use (a gateway that serves nothing, or a `switchboard models` run, leaves no file and starts no thread). A file that
 * cannot be opened or prepared (a read-only directory, a missing one, not a database) never fails the gateway: the
 * log falls back to memory with one warning.
 */
export class NodeLogStore implements LogStore {
  private readonly options: NodeLogStoreOptions;
  private opened: Promise<LogStore> | undefined;

  constructor(options: NodeLogStoreOptions) {
    this.options = options;
  }

  async append(records: readonly RequestRecord[]): Promise<void> {
    if (records.length === 0) return;
    return (await this.store()).append(records);
  }

  async query(query: LogQuery): Promise<LogPage> {
    return (await this.store()).query(query);
  }

  async aggregate(query: AnalyticsQuery): Promise<AnalyticsRow[]> {
    return (await this.store()).aggregate(query);
  }

  async deleteOlderThan(cutoff: number): Promise<number> {
    return (await this.store()).deleteOlderThan(cutoff);
  }

  /** The store in use once opened: the worker's SQLite file, or memory after a fallback. */
  store(): Promise<LogStore> {
    this.opened ??= this.open();
    return this.opened;
  }

  /** Closes the file (after the writes already sent) and stops the worker; a store never opened stays unopened. */
  async close(): Promise<void> {
    const opened = this.opened;
    if (!opened) return;
    const store = await opened;
    if (store instanceof WorkerLogStore) await store.close();
  }

  private async open(): Promise<LogStore> {
    const { path, maxEntries, logger } = this.options;
    try {
      const store = await WorkerLogStore.start(path);
      logger.info('request_log_opened', { backend: 'sqlite', path });
      return store;
    } catch (error) {
      logger.warn('request_log_sqlite_unavailable', {
        path,
        error: error instanceof Error ? error.message : String(error),
        fallback: 'memory',
        note: 'the request log is kept in memory (lost on restart); set telemetry.log.path to a writable file',
      });
      return new MemoryLogStore({ maxEntries });
    }
  }
}
