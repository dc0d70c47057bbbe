import { describe, expect, it } from 'vitest';
import type { CounterStore } from './counter-store.ts';
import type { KeyValueStore } from './key-value-store.ts';

/**
 * The one suite every state backend runs (memory, SQLite, Redis, Workers). `create` returns fresh stores whose keys
 * do not collide with earlier runs; `wait` lets a backend with real time pass TTLs.
 */
export function describeStateStoreConformance(
  name: string,
  create: () => Promise<{ keyValue: KeyValueStore; counters: CounterStore }>,
  wait: (milliseconds: number) => Promise<void> = (milliseconds) =>
    new Promise((resolve) => setTimeout(resolve, milliseconds)),
): void {
  describe(`${name} state store`, () => {
    it('stores, reads and deletes values', async () => {
      const { keyValue } = await create();
      expect(await keyValue.get('missing')).toBeUndefined();
      await keyValue.set('a', 'one');
      expect(await keyValue.get('a')).toBe('one');
      await keyValue.set('a', 'two');
      expect(await keyValue.get('a')).toBe('two');
      await keyValue.delete('a');
      expect(await keyValue.get('a')).toBeUndefined();
    });

    it('expires values after their time to live', async () => {
      const { keyValue } = await create();
      await keyValue.set('short', 'x', { ttlMs: 150 });
      await keyValue.set('long', 'y', { ttlMs: 60_000 });
      expect(await keyValue.get('short')).toBe('x');
      await wait(400);
      expect(await keyValue.get('short')).toBeUndefined();
      expect(await keyValue.get('long')).toBe('y');
    });

    it('adds to counters and expires them', async () => {
      const { counters } = await create();
      expect(await counters.get('c')).toBe(0);
      expect(await counters.add('c', 2, 150)).toBe(2);
      expect(await counters.add('c', -1, 150)).toBe(1);
      expect(await counters.get('c')).toBe(1);
      await wait(400);
      expect(await counters.get('c')).toBe(0);
      expect(await counters.add('c', 5, 60_000)).toBe(5);
    });

    it('admits exactly up to the limit under concurrency', async () => {
      const { counters } = await create();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => counters.addWithinLimit('limited', 1, 10, 60_000)),
      );
      expect(results.filter((result) => result.added)).toHaveLength(10);
      expect(await counters.get('limited')).toBe(10);
      const refused = await counters.addWithinLimit('limited', 1, 10, 60_000);
      expect(refused).toEqual({ added: false, value: 10 });
      await counters.add('limited', -3, 60_000);
      expect((await counters.addWithinLimit('limited', 3, 10, 60_000)).added).toBe(true);
    });
  });
}
