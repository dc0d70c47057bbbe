import { describe, expect, it } from 'vitest';
import type { Logger } from '../app-deps.ts';
import { logRecord } from '../state/log-store-conformance.ts';
import { MemoryLogStore } from '../state/memory/memory-log-store.ts';
import { RequestLogWriter } from './request-log-writer.ts';

function capture(): { logger: Logger; lines: Array<{ event: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ event: string; fields?: Record<string, unknown> }> = [];
  const push = (event: string, fields?: Record<string, unknown>) => lines.push({ event, fields });
  return { logger: { info: push, warn: push, error: push }, lines };
}

describe('RequestLogWriter', () => {
  it('writes in batches: after the interval, or at once when a batch is full', async () => {
    const store = new MemoryLogStore();
    const appended: number[] = [];
    const original = store.append.bind(store);
    store.append = async (records) => {
      appended.push(records.length);
      await original(records);
    };
    const writer = new RequestLogWriter(store, { logger: capture().logger, flushIntervalMs: 10_000, maxBatch: 3 });
    writer.record(logRecord({ requestId: 'a' }));
    writer.record(logRecord({ requestId: 'b' }));
    expect(appended).toEqual([]);
    writer.record(logRecord({ requestId: 'c' }));
    await writer.pending();
    expect(appended).toEqual([3]);
    writer.record(logRecord({ requestId: 'd' }));
    expect(writer.pending()).toBeDefined();
    await writer.flush();
    expect(appended).toEqual([3, 1]);
    expect(writer.pending()).toBeUndefined();
    expect((await store.query({ limit: 10 })).records).toHaveLength(4);
  });

  it('logs a failed write and carries on', async () => {
    const { logger, lines } = capture();
    const store = new MemoryLogStore();
    let fail = true;
    const original = store.append.bind(store);
    store.append = async (records) => {
      if (fail) throw new Error('disk full');
      await original(records);
    };
    const writer = new RequestLogWriter(store, { logger, flushIntervalMs: 5 });
    writer.record(logRecord({ requestId: 'lost' }));
    await writer.pending();
    expect(lines).toContainEqual({
      event: 'request_log_write_failed',
      fields: { records: 1, error: 'Error: disk full' },
    });
    fail = false;
    writer.record(logRecord({ requestId: 'kept' }));
    await writer.pending();
    expect((await store.query({ limit: 10 })).records.map((record) => record.requestId)).toEqual(['kept']);
  });

  it('drops the oldest records beyond maxBuffered and says so', async () => {
    const { logger, lines } = capture();
    const store = new MemoryLogStore();
    const writer = new RequestLogWriter(store, { logger, flushIntervalMs: 10_000, maxBuffered: 2, maxBatch: 100 });
    for (const requestId of ['1', '2', '3']) writer.record(logRecord({ requestId }));
    await writer.flush();
    expect((await store.query({ limit: 10 })).records.map((record) => record.requestId)).toEqual(['3', '2']);
    expect(lines.find((line) => line.event === 'request_log_dropped')?.fields).toMatchObject({ records: 1 });
  });

  it('sweeps records past the retention with a flush, at most once per sweep interval', async () => {
    let now = Date.UTC(2025, 0, 10);
    const day = 86_400_000;
    const store = new MemoryLogStore();
    await store.append([
      logRecord({ requestId: 'old', startedAt: now - 8 * day }),
      logRecord({ requestId: 'recent', startedAt: now - day }),
    ]);
    const writer = new RequestLogWriter(store, {
      logger: capture().logger,
      now: () => now,
      retentionMs: 7 * day,
      sweepIntervalMs: day,
    });
    writer.record(logRecord({ requestId: 'new', startedAt: now }));
    await writer.flush();
    expect((await store.query({ limit: 10 })).records.map((record) => record.requestId)).toEqual(['new', 'recent']);
    now += 7 * day;
    writer.record(logRecord({ requestId: 'later', startedAt: now }));
    await writer.flush();
    expect((await store.query({ limit: 10 })).records.map((record) => record.requestId)).toEqual(['later', 'new']);
  });

  it('leaves the store untouched when a flush has nothing to write, retention sweep included', async () => {
    const store = new MemoryLogStore();
    const calls: string[] = [];
    store.append = async () => {
      calls.push('append');
    };
    store.deleteOlderThan = async () => {
      calls.push('deleteOlderThan');
      return 0;
    };
    const writer = new RequestLogWriter(store, { logger: capture().logger, retentionMs: 1_000 });
    await writer.flush();
    expect(calls).toEqual([]);
    writer.record(logRecord({ requestId: 'a' }));
    await writer.flush();
    expect(calls).toEqual(['append', 'deleteOlderThan']);
  });
});
