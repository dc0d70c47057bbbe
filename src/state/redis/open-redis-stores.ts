import type { CounterStore } from '../counter-store.ts';
import type { KeyValueStore } from '../key-value-store.ts';
import { RedisConnection, type RedisConnectionOptions } from './redis-connection.ts';
import { RedisCounterStore } from './redis-counter-store.ts';
import { RedisKeyValueStore } from './redis-key-value-store.ts';

/** Both stores over one Redis connection, and the way to close it. */
export function openRedisStores(options: RedisConnectionOptions): {
  keyValue: KeyValueStore;
  counters: CounterStore;
  connection: RedisConnection;
  close: () => Promise<void>;
} {
  const connection = new RedisConnection(options);
  return {
    keyValue: new RedisKeyValueStore(connection),
    counters: new RedisCounterStore(connection),
    connection,
    close: () => connection.close(),
  };
}
