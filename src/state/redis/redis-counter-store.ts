import type { CounterStore } from '../counter-store.ts';
import type { RedisConnection } from './redis-connection.ts';
import { toTtl } from './redis-key-value-store.ts';

/*
 * Lua scripts run atomically in Redis, so every replica sharing it sees one order of increments. INCRBYFLOAT keeps
 * fractional amounts (budgets in dollars) exact enough and returns the new value as a string; the expiry is set only
 * when the counter has none (it was just created), so a window does not slide with every increment.
 */
const addScript = `
local value = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`;

const addWithinLimitScript = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current + tonumber(ARGV[1]) > tonumber(ARGV[2]) then return {0, tostring(current)} end
local value = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return {1, value}
`;

/** Counters in Redis, exact across every replica that shares it. */
export class RedisCounterStore implements CounterStore {
  private readonly connection: RedisConnection;

  constructor(connection: RedisConnection) {
    this.connection = connection;
  }

  async add(key: string, amount: number, ttlMs: number): Promise<number> {
    const value = await this.connection.runScript(addScript, [this.connection.key(key)], [amount, toTtl(ttlMs)]);
    return Number(value);
  }

  async addWithinLimit(
    key: string,
    amount: number,
    limit: number,
    ttlMs: number,
  ): Promise<{ added: boolean; value: number }> {
    const [added, value] = (await this.connection.runScript(
      addWithinLimitScript,
      [this.connection.key(key)],
      [amount, limit, toTtl(ttlMs)],
    )) as [number, string];
    return { added: added === 1, value: Number(value) };
  }

  async get(key: string): Promise<number> {
    await this.connection.whenReady();
    const value = await this.connection.client.get(this.connection.key(key));
    return value === null ? 0 : Number(value);
  }
}
