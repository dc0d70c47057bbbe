import { describe, expect, it } from 'vitest';
import type { Logger } from '../app-deps.ts';
import type { CounterStore } from './counter-store.ts';
import { GuardedStores } from './guarded-stores.ts';
import type { KeyValueStore } from './key-value-store.ts';
import { MemoryCounterStore } from './memory/memory-counter-store.ts';
import { MemoryKeyValueStore } from './memory/memory-key-value-store.ts';
import { describeStateStoreConformance } from './state-store-conformance.ts';

const quiet: Logger = { info() {}, warn() {}, error() {} };

describeStateStoreConformance('guarded memory', async () => {
  const stores = { keyValue: new MemoryKeyValueStore(), counters: new MemoryCounterStore() };
  return new GuardedStores(stores, { failMode: 'closed', logger: quiet, backend: 'memory', timeoutMs: 1_000 });
});

/** A store that can be switched between working, failing and never answering. */
function switchable() {
  let mode: 'up' | 'down' | 'hung' = 'up';
  const memory = { keyValue: new MemoryKeyValueStore(), counters: new MemoryCounterStore() };
  const run = <T>(work: () => Promise<T>): Promise<T> =>
    mode === 'up' ? work() : mode === 'down' ? Promise.reject(new Error('connection refused')) : new Promise(() => {});
  const keyValue: KeyValueStore = {
    get: (key) => run(() => memory.keyValue.get(key)),
    set: (key, value, options) => run(() => memory.keyValue.set(key, value, options)),
    delete: (key) => run(() => memory.keyValue.delete(key)),
  };
  const counters: CounterStore = {
    add: (key, amount, ttl) => run(() => memory.counters.add(key, amount, ttl)),
    addWithinLimit: (key, amount, limit, ttl) => run(() => memory.counters.addWithinLimit(key, amount, limit, ttl)),
    get: (key) => run(() => memory.counters.get(key)),
  };
  return { stores: { keyValue, counters }, set: (next: typeof mode) => (mode = next) };
}

function capture(): Logger & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    info: (event) => events.push(event),
    warn: (event) => events.push(event),
    error: (e) => events.push(e),
  };
}

describe('guarded stores', () => {
  it('fail-open: reads miss, writes are dropped, limits admit; one log line per outage', async () => {
    const backend = switchable();
    const logger = capture();
    const guarded = new GuardedStores(backend.stores, { failMode: 'open', logger, backend: 'test', timeoutMs: 100 });
    await guarded.keyValue.set('k', 'v');
    backend.set('down');
    expect(await guarded.keyValue.get('k')).toBeUndefined();
    await guarded.keyValue.set('k', 'new');
    await guarded.keyValue.delete('k');
    expect(await guarded.counters.add('c', 5, 1_000)).toBe(0);
    expect(await guarded.counters.get('c')).toBe(0);
    expect(await guarded.counters.addWithinLimit('c', 5, 1, 1_000)).toEqual({ added: true, value: 0 });
    expect(guarded.healthy).toBe(false);
    expect(guarded.failures).toBe(6);
    expect(logger.events).toEqual(['state_store_unavailable']);
    backend.set('up');
    expect(await guarded.keyValue.get('k')).toBe('v');
    expect(guarded.healthy).toBe(true);
    expect(logger.events).toEqual(['state_store_unavailable', 'state_store_recovered']);
  });

  it('fail-closed: every operation throws a 503 state_store_unavailable', async () => {
    const backend = switchable();
    const guarded = new GuardedStores(backend.stores, {
      failMode: 'closed',
      logger: quiet,
      backend: 'test',
      timeoutMs: 100,
    });
    backend.set('down');
    for (const operation of [
      () => guarded.keyValue.get('k'),
      () => guarded.keyValue.set('k', 'v'),
      () => guarded.counters.addWithinLimit('c', 1, 1, 1_000),
    ]) {
      await expect(operation()).rejects.toMatchObject({
        status: 503,
        code: 'state_store_unavailable',
        isRetryable: false,
      });
    }
  });

  it('bounds a store that never answers by the timeout', async () => {
    const backend = switchable();
    const guarded = new GuardedStores(backend.stores, {
      failMode: 'open',
      logger: quiet,
      backend: 'test',
      timeoutMs: 80,
    });
    backend.set('hung');
    const started = performance.now();
    expect(await guarded.counters.addWithinLimit('c', 1, 1, 1_000)).toEqual({ added: true, value: 0 });
    expect(performance.now() - started).toBeLessThan(500);
    expect(guarded.failures).toBe(1);
  });
});
