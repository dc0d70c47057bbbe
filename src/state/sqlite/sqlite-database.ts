import { type Client, createClient, type InStatement, type ResultSet } from '@libsql/client';

/** How often expired rows are deleted in the background (reads already ignore them). */
const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

const schema = [
  'CREATE TABLE IF NOT EXISTS switchboard_key_values (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER)',
  'CREATE INDEX IF NOT EXISTS switchboard_key_values_expiry ON switchboard_key_values (expires_at)',
  'CREATE TABLE IF NOT EXISTS switchboard_counters (key TEXT PRIMARY KEY, value NUMERIC NOT NULL, expires_at INTEGER NOT NULL)',
  'CREATE INDEX IF NOT EXISTS switchboard_counters_expiry ON switchboard_counters (expires_at)',
];

export type SqliteDatabaseOptions = {
  /** A file path (created if missing) or `:memory:`. */
  path: string;
  /** Milliseconds since the epoch; expiry is decided with this clock, not SQLite's. */
  now?: () => number;
  /** 0 turns the background sweep off. */
  sweepIntervalMs?: number;
};

/**
 * One SQLite database shared by the key/value and counter stores: creates the tables on first use, sweeps expired
 * rows periodically, closes the file. `createNodeDeps` is synchronous, so opening is lazy: every call waits for
 * `ready` (a resolved promise after the first statement).
 */
export class SqliteDatabase {
  readonly now: () => number;
  private readonly client: Client;
  private readonly ready: Promise<void>;
  private readonly sweepTimer: ReturnType<typeof setInterval> | undefined;
  private closed = false;

  constructor(options: SqliteDatabaseOptions) {
    this.now = options.now ?? Date.now;
    const url = options.path === ':memory:' ? ':memory:' : `file:${options.path}`;
    // Busy timeout: two gateways on one file wait for each other's write transaction instead of failing at once.
    this.client = createClient({ url, timeout: 5_000 });
    this.ready = this.client.batch(schema, 'write').then(() => undefined);
    // Keep an unhandled rejection from surfacing before the first call; every call awaits `ready` and sees it.
    this.ready.catch(() => undefined);
    const interval = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (interval > 0) {
      this.sweepTimer = setInterval(() => void this.sweep().catch(() => undefined), interval);
      this.sweepTimer.unref();
    }
  }

  async execute(statement: InStatement): Promise<ResultSet> {
    await this.ready;
    return this.client.execute(statement);
  }

  /** The statements in one write transaction (BEGIN IMMEDIATE): atomic across processes sharing the file. */
  async transaction(statements: InStatement[]): Promise<ResultSet[]> {
    await this.ready;
    return this.client.batch(statements, 'write');
  }

  /** Deletes every expired row; returns how many went. */
  async sweep(): Promise<number> {
    if (this.closed) return 0;
    const now = this.now();
    const results = await this.transaction([
      { sql: 'DELETE FROM switchboard_key_values WHERE expires_at <= ?', args: [now] },
      { sql: 'DELETE FROM switchboard_counters WHERE expires_at <= ?', args: [now] },
    ]);
    return results.reduce((total, result) => total + result.rowsAffected, 0);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.client.close();
  }
}
