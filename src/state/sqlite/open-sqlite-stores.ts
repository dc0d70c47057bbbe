import type { CounterStore } from '../counter-store.ts';
import type { KeyValueStore } from '../key-value-store.ts';
import { SqliteCounterStore } from './sqlite-counter-store.ts';
import { SqliteDatabase, type SqliteDatabaseOptions } from './sqlite-database.ts';
import { SqliteKeyValueStore } from './sqlite-key-value-store.ts';

/** Both stores over one SQLite file (or `:memory:`), and the way to close it. */
export function openSqliteStores(options: SqliteDatabaseOptions): {
  keyValue: KeyValueStore;
  counters: CounterStore;
  database: SqliteDatabase;
  close: () => Promise<void>;
} {
  const database = new SqliteDatabase(options);
  return {
    keyValue: new SqliteKeyValueStore(database),
    counters: new SqliteCounterStore(database),
    database,
    close: async () => database.close(),
  };
}
