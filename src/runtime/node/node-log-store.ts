import type { Logger } from '../../app-deps.ts';
import type { AnalyticsQuery, AnalyticsRow, LogPage, LogQuery, LogStore } from '../../state/log-store.ts';
import { MemoryLogStore } from '../../state/memory/memory-log-store.ts';
import type { SqliteLogStore } from '../../state/sqlite/sqlite-log-store.ts';
import type { RequestRecord } from '../../telemetry/request-record.ts';

export type NodeLogStoreOptions = {
  /** The SQLite file (relative paths from the working directory). */
  path: string;
  /** Records the memory fallback keeps. */
  maxEntries: number;
  logger: Logger;
};

/**
 * Node's default request log: the SQLite file `path`, opened on first use (a gateway that serves nothing, or a
 * `switchboard models` run, leaves no file). A file that cannot be opened or prepared (a read-only directory, a
 * missing one, not a database) never fails the gateway: the log falls back to memory with one warning.
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

  /** The store in use once opened: SQLite, or memory after a fallback. */
  store(): Promise<LogStore> {
    this.opened ??= this.open();
    return this.opened;
  }

  private async open(): Promise<LogStore> {
    const { path, maxEntries, logger } = this.options;
    let sqlite: SqliteLogStore | undefined;
    try {
      // Loaded on first use: the SQLite client costs ~25 MB, which a gateway that has served nothing need not pay.
      const { SqliteLogStore } = await import('../../state/sqlite/sqlite-log-store.ts');
      sqlite = SqliteLogStore.open(`file:${path}`);
      await sqlite.whenReady();
      logger.info('request_log_opened', { backend: 'sqlite', path });
      return sqlite;
    } catch (error) {
      try {
        sqlite?.close();
      } catch {
        // Nothing more to release.
      }
      logger.warn('request_log_sqlite_unavailable', {
        path,
        error: String(error),
        fallback: 'memory',
        note: 'the request log is kept in memory (lost on restart); set telemetry.log.path to a writable file',
      });
      return new MemoryLogStore({ maxEntries });
    }
  }
}
