import { describe, expect, it } from 'vitest';
import { policyGateway } from '../../test/support/policy-gateway.ts';
import { MemoryCounterStore } from '../state/memory/memory-counter-store.ts';
import { RateLimiter } from './rate-limiter.ts';

describe('rate limits that concurrency cannot beat', () => {
  it('50 parallel requests at 10 requests/min: exactly 10 admitted, 40 refused with 429 and Retry-After', async () => {
    const gateway = policyGateway({}, { delayMs: 20 });
    const key = await gateway.createKey({ limits: { requestsPerMinute: 10 } });
    const responses = await Promise.all(Array.from({ length: 50 }, () => gateway.chat(key.secret)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(40);
    expect(gateway.calls).toHaveLength(10);
    const refused = responses.find((response) => response.status === 429) as Response;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused.headers.get('x-ratelimit-limit')).toBe('10');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(await refused.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } });
  });

  it('concurrent requests: 30 parallel at 3 in flight admit exactly 3; the slots come back when they end', async () => {
    const gateway = policyGateway({}, { delayMs: 50 });
    const key = await gateway.createKey({ limits: { concurrentRequests: 3 } });
    const responses = await Promise.all(Array.from({ length: 30 }, () => gateway.chat(key.secret)));
    expect(responses.filter((response) => response.status === 200)).toHaveLength(3);
    const refused = responses.find((response) => response.status === 429) as Response;
    expect(await refused.json()).toMatchObject({ error: { code: 'concurrency_limit_exceeded' } });
    await gateway.settled();
    const again = await Promise.all(Array.from({ length: 3 }, () => gateway.chat(key.secret)));
    expect(again.map((response) => response.status)).toEqual([200, 200, 200]);
  });

  it('a stream holds its concurrency slot until its last chunk was read', async () => {
    const gateway = policyGateway({}, { content: 'one two three' });
    const key = await gateway.createKey({ limits: { concurrentRequests: 1 } });
    const stream = await gateway.chat(key.secret, { stream: true });
    expect(stream.status).toBe(200);
    expect((await gateway.chat(key.secret)).status).toBe(429);
    await stream.text();
    await gateway.settled();
    expect((await gateway.chat(key.secret)).status).toBe(200);
  });

  it('success responses carry x-ratelimit-* headers that count down', async () => {
    const gateway = policyGateway();
    const key = await gateway.createKey({ limits: { requestsPerMinute: 5, tokensPerMinute: 100_000 } });
    const first = await gateway.chat(key.secret);
    const second = await gateway.chat(key.secret);
    expect(first.headers.get('x-ratelimit-limit')).toBe('5');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(second.headers.get('x-ratelimit-remaining')).toBe('3');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('100000');
    expect(first.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
  });

  it('tokens/min: the estimate is reserved, then settled to the real usage so the next request fits', async () => {
    // Each request reserves prompt (~8 tokens) + max_tokens 500; the upstream reports 15 tokens in all.
    const gateway = policyGateway(
      {},
      { delayMs: 20, usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } },
    );
    const key = await gateway.createKey({ limits: { tokensPerMinute: 1000 } });
    const parallel = await Promise.all(Array.from({ length: 5 }, () => gateway.chat(key.secret, { max_tokens: 500 })));
    // Before any settles, 1000 tokens hold only one reservation of ~508.
    expect(parallel.filter((response) => response.status === 200)).toHaveLength(1);
    await gateway.settled();
    // Settled to 15: now there is room for another large reservation.
    const next = await gateway.chat(key.secret, { max_tokens: 500 });
    expect(next.status).toBe(200);
    await gateway.settled();
    expect(await gateway.stores.counters.get(tokenWindowKey(key.id))).toBe(30);
  });

  it('a request that fails upstream gives its reservation back', async () => {
    const gateway = policyGateway();
    const key = await gateway.createKey({ limits: { requestsPerMinute: 2 } });
    const unknown = await gateway.chat(key.secret, { model: 'no-such-model' });
    expect(unknown.status).toBe(404);
    await gateway.settled();
    expect((await gateway.chat(key.secret)).status).toBe(200);
    expect((await gateway.chat(key.secret)).status).toBe(200);
    expect((await gateway.chat(key.secret)).status).toBe(429);
  });

  it('config defaults apply to keys without limits of their own', async () => {
    const gateway = policyGateway({ limits: { requestsPerMinute: 1 } });
    const key = await gateway.createKey();
    const own = await gateway.createKey({ limits: { requestsPerMinute: 3 } });
    expect((await gateway.chat(key.secret)).status).toBe(200);
    expect((await gateway.chat(key.secret)).status).toBe(429);
    for (let index = 0; index < 3; index++) expect((await gateway.chat(own.secret)).status).toBe(200);
  });
});

describe('provider limits', () => {
  it('a provider at its requests/min is skipped for the next candidate, like a parked one', async () => {
    const gateway = policyGateway({
      providers: [
        { id: 'fake', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', limits: { requestsPerMinute: 2 } },
        { id: 'backup', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
      ],
      routing: { retries: 0, timeoutMs: 5_000 },
    });
    const responses = await Promise.all(Array.from({ length: 6 }, () => gateway.chat(gateway.staticKey)));
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const byProvider = responses.map((response) => response.headers.get('x-switchboard-provider'));
    expect(byProvider.filter((provider) => provider === 'fake')).toHaveLength(2);
    expect(byProvider.filter((provider) => provider === 'backup')).toHaveLength(4);
    expect(gateway.calls.filter((call) => call.provider === 'fake')).toHaveLength(2);
  });
});

describe('RateLimiter windows', () => {
  it('fixed minute windows: the count starts again at the next minute', async () => {
    let now = Date.UTC(2030, 0, 1, 12, 0, 59, 0);
    const limiter = new RateLimiter(new MemoryCounterStore(() => now), () => now);
    await limiter.reserve('k', { requestsPerMinute: 1 }, 0);
    await expect(limiter.reserve('k', { requestsPerMinute: 1 }, 0)).rejects.toMatchObject({
      status: 429,
      retryAfterMs: 1000,
    });
    now += 1000;
    await expect(limiter.reserve('k', { requestsPerMinute: 1 }, 0)).resolves.toBeDefined();
  });
});

function tokenWindowKey(id: string): string {
  return `rl:${id}:tpm:${Math.floor(Date.now() / 60_000)}`;
}
