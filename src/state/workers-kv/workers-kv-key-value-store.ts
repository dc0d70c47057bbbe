import type { KeyValueStore } from '../key-value-store.ts';

/** The part of a Workers KV namespace binding this store uses (structural: see durable-object-bindings.ts). */
export type KvNamespaceLike = {
  getWithMetadata(key: string): Promise<{ value: string | null; metadata: unknown }>;
  put(key: string, value: string, options?: { expirationTtl?: number; metadata?: unknown }): Promise<void>;
  delete(key: string): Promise<void>;
};

/** KV refuses an `expirationTtl` under 60 seconds. https://developers.cloudflare.com/kv/api/write-key-value-pairs/#expiring-keys */
export const KV_MINIMUM_TTL_SECONDS = 60;

/**
 * Key/value on Workers KV: read from the edge cache everywhere, eventually consistent (a write can take up to about
 * a minute to be seen in other locations), which suits shared breaker state and cached answers, not counters (those
 * go to Durable Objects). KV's TTL is rounded up to its 60 s minimum, and the exact expiry is kept in the entry's
 * metadata, so a value read after its own TTL is a miss even while KV still holds it.
 */
export class WorkersKvKeyValueStore implements KeyValueStore {
  private readonly namespace: KvNamespaceLike;
  private readonly keyPrefix: string;
  private readonly now: () => number;

  constructor(namespace: KvNamespaceLike, options: { keyPrefix?: string; now?: () => number } = {}) {
    this.namespace = namespace;
    this.keyPrefix = options.keyPrefix ?? '';
    this.now = options.now ?? Date.now;
  }

  async get(key: string): Promise<string | undefined> {
    const { value, metadata } = await this.namespace.getWithMetadata(this.keyPrefix + key);
    if (value === null) return undefined;
    const expiresAt = (metadata as { expiresAt?: unknown } | null)?.expiresAt;
    if (typeof expiresAt === 'number' && expiresAt <= this.now()) return undefined;
    return value;
  }

  async set(key: string, value: string, options?: { ttlMs?: number }): Promise<void> {
    if (options?.ttlMs === undefined) {
      await this.namespace.put(this.keyPrefix + key, value);
      return;
    }
    const expirationTtl = Math.max(KV_MINIMUM_TTL_SECONDS, Math.ceil(options.ttlMs / 1000));
    await this.namespace.put(this.keyPrefix + key, value, {
      expirationTtl,
      metadata: { expiresAt: this.now() + options.ttlMs },
    });
  }

  async delete(key: string): Promise<void> {
    await this.namespace.delete(this.keyPrefix + key);
  }
}
