import { describe, expect, it } from 'vitest';
import { describeLogStoreConformance, logRecord } from '../log-store-conformance.ts';
import { MemoryLogStore } from './memory-log-store.ts';

describeLogStoreConformance('memory', async () => new MemoryLogStore());

describe('MemoryLogStore', () => {
  it('keeps only the newest maxEntries records', async () => {
    const store = new MemoryLogStore({ maxEntries: 3 });
    await store.append(['a', 'b', 'c', 'd', 'e'].map((requestId) => logRecord({ requestId })));
    const page = await store.query({ limit: 10 });
    expect(page.records.map((record) => record.requestId)).toEqual(['e', 'd', 'c']);
  });

  it('stores a copy: later changes to the record object do not leak in', async () => {
    const store = new MemoryLogStore();
    const record = logRecord();
    await store.append([record]);
    record.status = 500;
    expect((await store.query({ limit: 1 })).records[0]?.status).toBe(200);
  });
});
