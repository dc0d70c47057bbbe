/**
 * Small string values with an optional time to live: shared health state, cached answers, key records.
 * Every backend (memory, SQLite, Redis, Workers KV / Durable Objects) passes `state-store-conformance.ts`.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  /** `ttlMs` absent: kept until deleted. */
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}
