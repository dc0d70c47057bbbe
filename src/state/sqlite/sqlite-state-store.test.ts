import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStateStoreConformance } from '../state-store-conformance.ts';
import { openSqliteStores } from './open-sqlite-stores.ts';

const directory = mkdtempSync(join(tmpdir(), 'switchboard-sqlite-'));
const opened: Array<{ close: () => Promise<void> }> = [];

afterAll(async () => {
  for (const stores of opened) await stores.close();
  rmSync(directory, { recursive: true, force: true });
});

function open(path: string, now?: () => number) {
  const stores = openSqliteStores({ path, ...(now ? { now } : {}) });
  opened.push(stores);
  return stores;
}

describeStateStoreConformance('sqlite :memory:', async () => open(':memory:'));

let files = 0;
describeStateStoreConformance('sqlite file', async () => open(join(directory, `conformance-${files++}.sqlite`)));

describe('sqlite state store', () => {
  it('keeps values and counters across a reopen of the file', async () => {
    const path = join(directory, 'reopen.sqlite');
    const first = open(path);
    await first.keyValue.set('kept', 'yes');
    await first.keyValue.set('kept-with-ttl', 'yes', { ttlMs: 60_000 });
    await first.counters.add('spent', 7, 60_000);
    await first.close();

    const second = open(path);
    expect(await second.keyValue.get('kept')).toBe('yes');
    expect(await second.keyValue.get('kept-with-ttl')).toBe('yes');
    expect(await second.counters.get('spent')).toBe(7);
    expect(await second.counters.add('spent', 0.5, 60_000)).toBe(7.5);
  });

  it('sweeps expired rows and restarts an expired counter from zero', async () => {
    let now = 1_000_000;
    const stores = open(':memory:', () => now);
    await stores.keyValue.set('gone', 'x', { ttlMs: 100 });
    await stores.keyValue.set('forever', 'y');
    await stores.counters.add('window', 4, 100);
    now += 100;
    expect(await stores.counters.get('window')).toBe(0);
    expect(await stores.database.sweep()).toBe(2);
    expect(await stores.keyValue.get('forever')).toBe('y');
    await stores.counters.add('window', 4, 100);
    now += 150;
    // Expired but not yet swept: the next add starts a fresh window instead of adding to the old one.
    expect(await stores.counters.addWithinLimit('window', 3, 3, 100)).toEqual({ added: true, value: 3 });
  });

  it('admits exactly up to the limit when two connections share one file', async () => {
    const path = join(directory, 'shared.sqlite');
    const left = open(path);
    const right = open(path);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        (index % 2 ? left : right).counters.addWithinLimit('shared', 1, 15, 60_000),
      ),
    );
    expect(results.filter((result) => result.added)).toHaveLength(15);
    expect(await left.counters.get('shared')).toBe(15);
  });
});
