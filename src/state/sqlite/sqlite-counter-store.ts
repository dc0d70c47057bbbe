import type { CounterStore } from '../counter-store.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

/**
 * Counters in SQLite. Each operation is one write transaction (BEGIN IMMEDIATE), so it is atomic within the process
 * (the driver runs a transaction synchronously) and across processes sharing the file. SQLite is one machine's
 * store: for limits shared by replicas on several machines use Redis.
 */
export class SqliteCounterStore implements CounterStore {
  private readonly database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.database = database;
  }

  async add(key: string, amount: number, ttlMs: number): Promise<number> {
    const now = this.database.now();
    const [, updated] = await this.database.transaction([
      ...this.startStatements(key, now, ttlMs),
      { sql: 'UPDATE switchboard_counters SET value = value + ? WHERE key = ? RETURNING value', args: [amount, key] },
    ]);
    return Number(updated.rows[0].value);
  }

  async addWithinLimit(
    key: string,
    amount: number,
    limit: number,
    ttlMs: number,
  ): Promise<{ added: boolean; value: number }> {
    const now = this.database.now();
    // The WHERE clause is the limit check: the row changes only if the sum stays within it, in the same statement.
    const [, updated, current] = await this.database.transaction([
      ...this.startStatements(key, now, ttlMs),
      {
        sql: 'UPDATE switchboard_counters SET value = value + ? WHERE key = ? AND value + ? <= ?',
        args: [amount, key, amount, limit],
      },
      { sql: 'SELECT value FROM switchboard_counters WHERE key = ?', args: [key] },
    ]);
    return { added: updated.rowsAffected === 1, value: Number(current.rows[0].value) };
  }

  async get(key: string): Promise<number> {
    const result = await this.database.execute({
      sql: 'SELECT value FROM switchboard_counters WHERE key = ? AND expires_at > ?',
      args: [key, this.database.now()],
    });
    const row = result.rows[0];
    return row === undefined ? 0 : Number(row.value);
  }

  /** Restarts an expired counter at 0 with a new expiry, or creates a missing one; a live one is left alone. */
  private startStatements(key: string, now: number, ttlMs: number) {
    return [
      {
        sql: `INSERT INTO switchboard_counters (key, value, expires_at) VALUES (?, 0, ?)
              ON CONFLICT (key) DO UPDATE SET value = 0, expires_at = excluded.expires_at
              WHERE switchboard_counters.expires_at <= ?`,
        args: [key, now + ttlMs, now],
      },
    ];
  }
}
