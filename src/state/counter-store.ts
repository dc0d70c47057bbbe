/**
 * Counters that must be exact across instances (rate limits, budgets, breaker windows). Every operation is atomic on
 * its backend: Redis via Lua scripts, Durable Objects by their single-threaded storage, memory trivially.
 */
export interface CounterStore {
  /** Adds `amount` (may be negative) and returns the new value; a new counter expires `ttlMs` after creation. */
  add(key: string, amount: number, ttlMs: number): Promise<number>;
  /**
   * Adds `amount` only if the result stays within `limit`; returns whether it did and the value after the call.
   * This is what makes reservations exact under concurrency.
   */
  addWithinLimit(key: string, amount: number, limit: number, ttlMs: number): Promise<{ added: boolean; value: number }>;
  /** The current value (0 when absent or expired). */
  get(key: string): Promise<number>;
}
