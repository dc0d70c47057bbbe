import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../test/fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../../../test/support/spawn-gateway.ts';
import { hasRedisServer, type StartedRedis, startRedis } from '../../../test/support/start-redis.ts';

// See redis-state-store.test.ts: required in CI, skipped on a developer machine without redis-server.
const skip = !process.env.CI && !hasRedisServer;

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${withinMs} ms`);
}

async function providerState(gateway: SpawnedGateway): Promise<string> {
  const response = await fetch(`${gateway.url}/health/providers`, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as { providers: Array<{ id: string; state: string }> };
  return body.providers.find((provider) => provider.id === 'upstream')?.state ?? 'missing';
}

function chat(gateway: SpawnedGateway): Promise<Response> {
  return fetch(`${gateway.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'solo', messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(10_000),
  });
}

describe.skipIf(skip)('two gateway replicas sharing Redis', () => {
  let redis: StartedRedis;
  let upstream: FakeOpenAI;
  let replicas: SpawnedGateway[] = [];

  beforeAll(async () => {
    [redis, upstream] = await Promise.all([startRedis(), startFakeOpenAI({ models: ['solo'] })]);
    const config = {
      providers: [{ id: 'upstream', type: 'openai', baseUrl: upstream.baseUrl, apiKey: 'sk-upstream' }],
      routing: { retries: 0, circuitBreaker: { minRequests: 2, errorRatio: 0.5, windowMs: 10_000, openMs: 30_000 } },
      state: { backend: 'redis', url: redis.url, keyPrefix: 'replicas:' },
    };
    replicas = await Promise.all([spawnGateway({ config }), spawnGateway({ config })]);
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await Promise.all([redis?.stop(), upstream?.close()]);
  });

  it('agree on a breaker opened by one of them', async () => {
    const [first, second] = replicas as [SpawnedGateway, SpawnedGateway];
    expect(await providerState(second)).toBe('closed');
    upstream.faults.push({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    for (let attempt = 0; attempt < 2; attempt++) expect((await chat(first)).status).toBeGreaterThanOrEqual(500);
    expect(await providerState(first)).toBe('open');

    // The second replica never saw a failure: it reads the opening from Redis on its next requests (about 1 s).
    await eventually(async () => {
      await fetch(`${second.baseURL}/models`, { signal: AbortSignal.timeout(5_000) });
      return (await providerState(second)) === 'open';
    }, 5_000);
    const before = upstream.requests.length;
    expect((await chat(second)).status).toBe(503);
    expect(upstream.requests.length).toBe(before);
  });
});
