import type { KeyValueStore } from '../key-value-store.ts';
import type { RedisConnection } from './redis-connection.ts';

/** Key/value in Redis strings; TTLs are Redis's own (`SET … PX`), so every replica sees the same expiry. */
export class RedisKeyValueStore implements KeyValueStore {
  private readonly connection: RedisConnection;

  constructor(connection: RedisConnection) {
    this.connection = connection;
  }

  async get(key: string): Promise<string | undefined> {
    await this.connection.whenReady();
    return (await this.connection.client.get(this.connection.key(key))) ?? undefined;
  }

  async set(key: string, value: string, options?: { ttlMs?: number }): Promise<void> {
    await this.connection.whenReady();
    const redisKey = this.connection.key(key);
    if (options?.ttlMs === undefined) await this.connection.client.set(redisKey, value);
    else await this.connection.client.set(redisKey, value, 'PX', toTtl(options.ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.connection.whenReady();
    await this.connection.client.del(this.connection.key(key));
  }
}

/** PX takes a positive whole number of milliseconds. */
export function toTtl(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}
