import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../telemetry/request-record.ts';
import type { LogStore } from './log-store.ts';

const base = Date.UTC(2025, 0, 1, 12, 0, 0);
const minute = 60_000;

/** A record with the fields the log filters and aggregates on; `overrides` win. */
export function logRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: 'req_1',
    startedAt: base,
    inbound: 'openai-chat',
    modelAsked: 'fast',
    stream: false,
    provider: 'openai',
    modelUsed: 'gpt-4o-mini',
    attempts: [{ provider: 'openai', model: 'gpt-4o-mini', durationMs: 100 }],
    status: 200,
    latencyMs: 100,
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    usageSource: 'upstream',
    ...overrides,
  };
}

/** Twelve records over three minutes: two providers, two keys, errors, an unknown model, a cache hit, costs. */
function sample(): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (let index = 0; index < 6; index++) {
    records.push(
      logRecord({
        requestId: `req_a${index}`,
        startedAt: base + index * 1_000,
        keyId: 'key_1',
        latencyMs: (index + 1) * 100,
        costUsd: 0.001,
        usage: {
          prompt_tokens: 100,
          completion_tokens: 20,
          total_tokens: 120,
          prompt_tokens_details: { cached_tokens: 40 },
          completion_tokens_details: { reasoning_tokens: 5 },
        },
        ...(index === 5 ? { cacheHit: true } : {}),
      }),
    );
  }
  for (let index = 0; index < 3; index++) {
    records.push(
      logRecord({
        requestId: `req_b${index}`,
        startedAt: base + minute + index * 1_000,
        keyId: 'key_2',
        modelAsked: 'claude',
        provider: 'anthropic',
        modelUsed: 'claude-sonnet-4',
        attempts: [{ provider: 'anthropic', model: 'claude-sonnet-4', durationMs: 50 }],
        stream: true,
        latencyMs: 1_000 + index,
      }),
    );
  }
  records.push(
    logRecord({
      requestId: 'req_c0',
      startedAt: base + minute + 5_000,
      modelAsked: 'claude',
      provider: undefined,
      modelUsed: undefined,
      attempts: [{ provider: 'anthropic', model: 'claude-sonnet-4', durationMs: 30, status: 500, error: 'boom' }],
      status: 502,
      latencyMs: 30,
      usage: undefined,
      usageSource: undefined,
      error: { type: 'upstream_error', code: null, message: 'boom' },
    }),
    logRecord({
      requestId: 'req_c1',
      startedAt: base + 2 * minute,
      modelAsked: 'no-such-model',
      provider: undefined,
      modelUsed: undefined,
      attempts: [],
      status: 404,
      latencyMs: 1,
      usage: undefined,
      usageSource: undefined,
      error: { type: 'not_found_error', code: 'model_not_found', message: 'no such model' },
    }),
    logRecord({
      requestId: 'req_c2',
      startedAt: base + 2 * minute + 1,
      stream: true,
      latencyMs: 400,
      error: { type: 'timeout_error', code: 'stream_idle_timeout', message: 'idle' },
    }),
  );
  return records;
}

/**
 * The one suite every `LogStore` backend runs. `create` returns an empty store.
 */
export function describeLogStoreConformance(name: string, create: () => Promise<LogStore>): void {
  describe(`${name} log store`, () => {
    it('returns what was appended, newest first, whole', async () => {
      const store = await create();
      const records = sample();
      await store.append(records.slice(0, 4));
      await store.append(records.slice(4));
      await store.append([]);
      const page = await store.query({ limit: 100 });
      expect(page.records.map((record) => record.requestId)).toEqual(
        [...records].reverse().map((record) => record.requestId),
      );
      expect(page.records.at(-1)).toEqual(records[0]);
      expect(page.nextCursor).toBeUndefined();
    });

    it('pages with a cursor, records of the same millisecond by arrival', async () => {
      const store = await create();
      const same = ['x1', 'x2', 'x3', 'x4', 'x5'].map((requestId) => logRecord({ requestId }));
      await store.append(same);
      const first = await store.query({ limit: 2 });
      expect(first.records.map((record) => record.requestId)).toEqual(['x5', 'x4']);
      const second = await store.query({ limit: 2, cursor: first.nextCursor as string });
      expect(second.records.map((record) => record.requestId)).toEqual(['x3', 'x2']);
      const third = await store.query({ limit: 2, cursor: second.nextCursor as string });
      expect(third.records.map((record) => record.requestId)).toEqual(['x1']);
      expect(third.nextCursor).toBeUndefined();
    });

    it('filters by time, model (asked or used), provider, key and status', async () => {
      const store = await create();
      await store.append(sample());
      const ids = async (filter: Parameters<LogStore['query']>[0]) =>
        (await store.query(filter)).records.map((record) => record.requestId).sort();
      expect(await ids({ limit: 100, from: base + minute, to: base + 2 * minute })).toEqual([
        'req_b0',
        'req_b1',
        'req_b2',
        'req_c0',
      ]);
      expect(await ids({ limit: 100, model: 'claude' })).toEqual(['req_b0', 'req_b1', 'req_b2', 'req_c0']);
      expect(await ids({ limit: 100, model: 'claude-sonnet-4' })).toEqual(['req_b0', 'req_b1', 'req_b2', 'req_c0']);
      expect(await ids({ limit: 100, model: 'no-such-model' })).toEqual(['req_c1']);
      expect(await ids({ limit: 100, provider: 'anthropic', status: 'error' })).toEqual(['req_c0']);
      expect(await ids({ limit: 100, keyId: 'key_2' })).toEqual(['req_b0', 'req_b1', 'req_b2']);
      expect(await ids({ limit: 100, status: 404 })).toEqual(['req_c1']);
      expect(await ids({ limit: 100, status: 'error' })).toEqual(['req_c0', 'req_c1', 'req_c2']);
      expect((await ids({ limit: 100, status: 'ok' })).length).toBe(9);
    });

    it('aggregates into time buckets by model, provider and key', async () => {
      const store = await create();
      await store.append(sample());
      const range = { from: base, to: base + 3 * minute, bucketMs: minute };
      const byModel = await store.aggregate({ ...range, groupBy: 'model' });
      expect(byModel.map((row) => [row.bucketStart - base, row.group, row.requests, row.errors])).toEqual([
        [0, 'gpt-4o-mini', 6, 0],
        [minute, 'claude-sonnet-4', 4, 1],
        [2 * minute, 'gpt-4o-mini', 1, 1],
        [2 * minute, 'no-such-model', 1, 1],
      ]);
      expect(byModel[0]).toEqual({
        bucketStart: base,
        group: 'gpt-4o-mini',
        requests: 6,
        errors: 0,
        cacheHits: 1,
        latencyP50Ms: 300,
        latencyP95Ms: 600,
        promptTokens: 600,
        completionTokens: 120,
        cachedTokens: 240,
        reasoningTokens: 30,
        costUsd: expect.closeTo(0.006, 9),
      });
      expect(byModel[1]).toMatchObject({ latencyP50Ms: 1_000, latencyP95Ms: 1_002, promptTokens: 30 });

      const byProvider = await store.aggregate({ ...range, bucketMs: 3 * minute, groupBy: 'provider' });
      expect(byProvider.map((row) => [row.group, row.requests, row.errors])).toEqual([
        [null, 1, 1],
        ['anthropic', 4, 1],
        ['openai', 7, 1],
      ]);
      const byKey = await store.aggregate({ ...range, bucketMs: 3 * minute, groupBy: 'key', model: 'gpt-4o-mini' });
      expect(byKey.map((row) => [row.group, row.requests])).toEqual([
        [null, 1],
        ['key_1', 6],
      ]);
      expect(await store.aggregate({ from: base - minute, to: base, bucketMs: minute, groupBy: 'model' })).toEqual([]);
    });

    it('keeps request and completion bodies, returned only when asked', async () => {
      const store = await create();
      const requestBody = JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'héllo 👋' }] });
      const completionBody = JSON.stringify({ role: 'assistant', content: 'hi\nthere' });
      await store.append([
        logRecord({ requestId: 'plain' }),
        logRecord({ requestId: 'with-bodies', startedAt: base + 1, requestBody, completionBody }),
        logRecord({ requestId: 'request-only', startedAt: base + 2, requestBody }),
      ]);
      const light = await store.query({ limit: 10 });
      expect(light.records.map((record) => record.requestId)).toEqual(['request-only', 'with-bodies', 'plain']);
      for (const record of light.records) {
        expect(record).not.toHaveProperty('requestBody');
        expect(record).not.toHaveProperty('completionBody');
      }
      const full = await store.query({ limit: 10, bodies: true });
      expect(full.records[0]).toEqual(logRecord({ requestId: 'request-only', startedAt: base + 2, requestBody }));
      expect(full.records[1]).toEqual(
        logRecord({ requestId: 'with-bodies', startedAt: base + 1, requestBody, completionBody }),
      );
      expect(full.records[2]).toEqual(logRecord({ requestId: 'plain' }));
      // Bodies count for nothing in filters and aggregates.
      expect((await store.query({ limit: 10, bodies: true, status: 'ok', from: base + 1 })).records).toHaveLength(2);
      const [row] = await store.aggregate({ from: base, to: base + minute, bucketMs: minute, groupBy: 'model' });
      expect(row?.requests).toBe(3);
      expect(await store.deleteOlderThan(base + 2)).toBe(2);
    });

    it('deletes records older than a cutoff', async () => {
      const store = await create();
      await store.append(sample());
      expect(await store.deleteOlderThan(base + minute)).toBe(6);
      expect(await store.deleteOlderThan(base + minute)).toBe(0);
      const left = await store.query({ limit: 100 });
      expect(left.records).toHaveLength(6);
      expect(left.records.every((record) => record.startedAt >= base + minute)).toBe(true);
    });
  });
}
