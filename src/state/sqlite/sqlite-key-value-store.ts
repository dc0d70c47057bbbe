import type { KeyValueStore } from '../key-value-store.ts';
import type { SqliteDatabase } from './sqlite-database.ts';

/** Key/value rows in SQLite; an expired row reads as missing and is deleted by the database's sweep. */
export class SqliteKeyValueStore implements KeyValueStore {
  private readonly database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.database = database;
  }

  async get(key: string): Promise<string | undefined> {
    const result = await this.database.execute({
      sql: 'SELECT value FROM switchboard_key_values WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
      args: [key, this.database.now()],
    });
    const row = result.rows[0];
    return row === undefined ? undefined : String(row.value);
  }

  async set(key: string, value: string, options?: { ttlMs?: number }): Promise<void> {
    const expiresAt = options?.ttlMs === undefined ? null : this.database.now() + options.ttlMs;
    await this.database.execute({
      sql: `INSERT INTO switchboard_key_values (key, value, expires_at) VALUES (?, ?, ?)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
      args: [key, value, expiresAt],
    });
  }

  async delete(key: string): Promise<void> {
    await this.database.execute({ sql: 'DELETE FROM switchboard_key_values WHERE key = ?', args: [key] });
  }
}
