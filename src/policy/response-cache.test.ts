import { describe, expect, it } from 'vitest';
import { policyGateway, staticKey } from '../../test/support/policy-gateway.ts';
import { stableJson } from './internal/stable-json.ts';
import { matchesModelPattern } from './matches-model-pattern.ts';

const cacheOn = { cache: { enabled: true, ttlSeconds: 60 } };

describe('response cache', () => {
  it('records a stream and replays it as a byte-identical stream with x-switchboard-cache: hit', async () => {
    const gateway = policyGateway(cacheOn, { content: 'the quick brown fox' });
    const body = { stream: true, stream_options: { include_usage: true } };
    const miss = await gateway.chat(staticKey, body);
    expect(miss.headers.get('x-switchboard-cache')).toBe('miss');
    const original = await miss.text();
    await gateway.settled();
    const hit = await gateway.chat(staticKey, body);
    expect(hit.headers.get('x-switchboard-cache')).toBe('hit');
    expect(hit.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(await hit.text()).toBe(original);
    expect(gateway.calls).toHaveLength(1);
    await gateway.settled();
    const record = gateway.records.at(-1);
    expect(record).toMatchObject({ cacheHit: true, costUsd: 0, status: 200, stream: true });
    expect(record?.cacheSavedUsd).toBeGreaterThan(0);
    // A non-stream request is a different entry.
    expect((await gateway.chat(staticKey)).headers.get('x-switchboard-cache')).toBe('miss');
  });

  it('whole answers: hit after miss, identical JSON; key order and stream_options do not matter', async () => {
    const gateway = policyGateway(cacheOn);
    const first = await gateway.chat(staticKey, { temperature: 0, seed: 1 });
    await gateway.settled();
    const second = await gateway.app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${staticKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        seed: 1,
        messages: [{ content: 'hello', role: 'user' }],
        temperature: 0,
        model: 'gpt-4o-mini',
      }),
    });
    expect(second.headers.get('x-switchboard-cache')).toBe('hit');
    expect(await second.json()).toEqual(await first.json());
    const other = await gateway.chat(staticKey, { temperature: 0.5, seed: 1 });
    expect(other.headers.get('x-switchboard-cache')).toBe('miss');
  });

  it('is never shared across keys unless configured', async () => {
    const isolated = policyGateway(cacheOn);
    const alice = await isolated.createKey({ name: 'alice' });
    const bob = await isolated.createKey({ name: 'bob' });
    await (await isolated.chat(alice.secret)).text();
    await isolated.settled();
    expect((await isolated.chat(bob.secret)).headers.get('x-switchboard-cache')).toBe('miss');
    expect((await isolated.chat(alice.secret)).headers.get('x-switchboard-cache')).toBe('hit');

    const shared = policyGateway({ cache: { enabled: true, shareAcrossKeys: true } });
    const carol = await shared.createKey();
    const dave = await shared.createKey();
    await (await shared.chat(carol.secret)).text();
    await shared.settled();
    expect((await shared.chat(dave.secret)).headers.get('x-switchboard-cache')).toBe('hit');
  });

  it('per request: skip bypasses, refresh calls upstream and stores; off by default, on with x-switchboard-cache: use', async () => {
    const gateway = policyGateway(cacheOn);
    await gateway.chat(staticKey);
    await gateway.settled();
    const skipped = await gateway.chat(staticKey, {}, { 'cache-control': 'no-store' });
    expect(skipped.headers.get('x-switchboard-cache')).toBe('skip');
    const refreshed = await gateway.chat(staticKey, {}, { 'x-switchboard-cache': 'refresh' });
    expect(refreshed.headers.get('x-switchboard-cache')).toBe('miss');
    const refreshedBody = (await refreshed.json()) as { id: string };
    await gateway.settled();
    const hit = await gateway.chat(staticKey);
    expect(((await hit.json()) as { id: string }).id).toBe(refreshedBody.id);
    expect(gateway.calls).toHaveLength(3);

    const off = policyGateway();
    expect((await off.chat(staticKey)).headers.get('x-switchboard-cache')).toBe('skip');
    await off.chat(staticKey, {}, { 'x-switchboard-cache': 'use' });
    await off.settled();
    expect((await off.chat(staticKey, {}, { 'x-switchboard-cache': 'use' })).headers.get('x-switchboard-cache')).toBe(
      'hit',
    );
  });

  it('only the configured models, and never entries over maxEntryBytes', async () => {
    const gateway = policyGateway({ cache: { enabled: true, models: ['gpt-4o-*'], maxEntryBytes: 256 } });
    expect((await gateway.chat(staticKey, { model: 'claude-3-haiku' })).headers.get('x-switchboard-cache')).toBe(
      'skip',
    );
    await gateway.chat(staticKey);
    await gateway.settled();
    // The answer is larger than 256 bytes: not stored.
    expect((await gateway.chat(staticKey)).headers.get('x-switchboard-cache')).toBe('miss');
  });

  it('a hit costs nothing against the budget but counts as a request', async () => {
    const gateway = policyGateway(cacheOn, {
      usage: { prompt_tokens: 100_000, completion_tokens: 100_000, total_tokens: 200_000 },
    });
    const key = await gateway.createKey({ budget: { dailyUsd: 0.1 }, limits: { requestsPerMinute: 3 } });
    await gateway.chat(key.secret);
    await gateway.settled();
    expect((await gateway.chat(key.secret)).headers.get('x-switchboard-cache')).toBe('hit');
    await gateway.settled();
    expect((await gateway.chat(key.secret)).status).toBe(200);
    expect((await gateway.chat(key.secret)).status).toBe(429);
  });
});

describe('cache key parts', () => {
  it('stable JSON sorts keys at every depth and keeps array order', () => {
    expect(stableJson({ b: 1, a: { d: [2, 1], c: undefined } })).toBe('{"a":{"d":[2,1]},"b":1}');
  });

  it('model patterns', () => {
    expect(matchesModelPattern('gpt-4o-mini', 'gpt-4o*')).toBe(true);
    expect(matchesModelPattern('openai/gpt-4o', 'openai/*')).toBe(true);
    expect(matchesModelPattern('gpt-4o', 'gpt-4o-*')).toBe(false);
    expect(matchesModelPattern('gpt-4.1', 'gpt-4?1')).toBe(true);
    expect(matchesModelPattern('gpt-4x1', 'gpt-4.1')).toBe(false);
  });
});
