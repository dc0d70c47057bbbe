import type { KeyValueStore } from '../key-value-store.ts';

/** In-process key/value store for tests and single-process gateways; expired entries are dropped when read. */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: string, options?: { ttlMs?: number }): Promise<void> {
    const expiresAt = options?.ttlMs === undefined ? Number.POSITIVE_INFINITY : this.now() + options.ttlMs;
    this.entries.set(key, { value, expiresAt });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
