import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { workerStateStores } from '../../src/runtime/workers/create-worker-deps.ts';
import { DurableObjectCounterStore } from '../../src/state/durable-object/durable-object-counter-store.ts';
import { MemoryCounterStore } from '../../src/state/memory/memory-counter-store.ts';
import { MemoryKeyValueStore } from '../../src/state/memory/memory-key-value-store.ts';
import { describeStateStoreConformance } from '../../src/state/state-store-conformance.ts';
import { WorkersKvKeyValueStore } from '../../src/state/workers-kv/workers-kv-key-value-store.ts';

/** The bindings wrangler.jsonc declares, as workerd provides them to the tests. */
const bindings = env as unknown as { SWITCHBOARD_COUNTERS: DurableObjectNamespace; SWITCHBOARD_KV: KVNamespace };

let runs = 0;

// Real Durable Objects and KV in workerd. Keys get a per-run prefix so each conformance test starts empty.
describeStateStoreConformance('workers (Durable Object counters, KV values)', async () => {
  const prefix = `conformance-${runs++}:`;
  const counters = new DurableObjectCounterStore(bindings.SWITCHBOARD_COUNTERS);
  return {
    keyValue: new WorkersKvKeyValueStore(bindings.SWITCHBOARD_KV, { keyPrefix: prefix }),
    counters: {
      add: (key, amount, ttl) => counters.add(prefix + key, amount, ttl),
      addWithinLimit: (key, amount, limit, ttl) => counters.addWithinLimit(prefix + key, amount, limit, ttl),
      get: (key) => counters.get(prefix + key),
    },
  };
});

describe('workers state backends', () => {
  it('rounds a KV TTL up to the 60 s minimum and keeps the exact expiry in metadata', async () => {
    const keyValue = new WorkersKvKeyValueStore(bindings.SWITCHBOARD_KV, { keyPrefix: 'ttl:' });
    const before = Date.now();
    await keyValue.set('breaker', 'open', { ttlMs: 1_500 });
    const stored = await bindings.SWITCHBOARD_KV.getWithMetadata<{ expiresAt: number }>('ttl:breaker');
    expect(stored.value).toBe('open');
    expect(stored.metadata?.expiresAt).toBeGreaterThanOrEqual(before + 1_500);
    expect(stored.metadata?.expiresAt).toBeLessThan(before + 60_000);
  });

  it('counts one key in one Durable Object, whichever store instance (isolate) asks', async () => {
    const left = new DurableObjectCounterStore(bindings.SWITCHBOARD_COUNTERS);
    const right = new DurableObjectCounterStore(bindings.SWITCHBOARD_COUNTERS);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, index) => (index % 2 ? left : right).addWithinLimit('replicas', 2, 21, 60_000)),
    );
    expect(results.filter((result) => result.added)).toHaveLength(10);
    expect(await left.get('replicas')).toBe(20);
    expect(await right.add('replicas', 0.5, 60_000)).toBe(20.5);
  });

  it('uses the bindings when they exist and memory otherwise', () => {
    const bound = workerStateStores(bindings);
    expect(bound.counters).toBeInstanceOf(DurableObjectCounterStore);
    expect(bound.keyValue).toBeInstanceOf(WorkersKvKeyValueStore);
    const unbound = workerStateStores({});
    expect(unbound.counters).toBeInstanceOf(MemoryCounterStore);
    expect(unbound.keyValue).toBeInstanceOf(MemoryKeyValueStore);
  });
});
