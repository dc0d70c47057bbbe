import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../test/fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../../../test/support/spawn-gateway.ts';
import { hasRedisServer, type StartedRedis, startRedis } from '../../../test/support/start-redis.ts';

// See redis-state-store.test.ts: required in CI, skipped on a developer machine without redis-server.
const skip = !process.env.CI && !hasRedisServer;
const adminKey = 'admin-key-for-the-outage-test-01';
const staticKey = 'sk-gw-static-outage-01';

async function createVirtualKey(gateway: SpawnedGateway): Promise<string> {
  const response = await fetch(`${gateway.url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'limited', limits: { requestsPerMinute: 100 } }),
    signal: AbortSignal.timeout(5_000),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { secret: string }).secret;
}

async function chat(gateway: SpawnedGateway, key: string): Promise<{ status: number; code?: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${gateway.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { error?: { code?: string } };
  return {
    status: response.status,
    ms: performance.now() - started,
    ...(body.error?.code ? { code: body.error.code } : {}),
  };
}

function count(text: string, event: string): number {
  return text.split('\n').filter((line) => line.includes(`"event":"${event}"`)).length;
}

describe.skipIf(skip)('gateways whose Redis dies mid-run', () => {
  let redis: StartedRedis;
  let upstream: FakeOpenAI;
  let open: SpawnedGateway;
  let closed: SpawnedGateway;

  beforeAll(async () => {
    [redis, upstream] = await Promise.all([startRedis(), startFakeOpenAI({ models: ['gpt-4o-mini'] })]);
    const config = (failMode: string) => ({
      auth: { keys: [staticKey], adminKey },
      providers: [{ id: 'fake', type: 'openai', baseUrl: upstream.baseUrl, apiKey: 'sk-up' }],
      routing: { retries: 0 },
      state: { backend: 'redis', url: redis.url, keyPrefix: `gateway-${failMode}:`, timeoutMs: 200, failMode },
    });
    const env = { SWITCHBOARD_LOG_LEVEL: 'info' };
    [open, closed] = await Promise.all([
      spawnGateway({ config: config('open'), env }),
      spawnGateway({ config: config('closed'), env }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([open?.stop(), closed?.stop()]);
    await Promise.all([redis?.stop(), upstream?.close()]);
  });

  it('fail-open keeps serving, fail-closed answers 503 state_store_unavailable, both fast; one log line each', async () => {
    const [openKey, closedKey] = await Promise.all([createVirtualKey(open), createVirtualKey(closed)]);
    expect((await chat(open, openKey)).status).toBe(200);
    expect((await chat(closed, closedKey)).status).toBe(200);

    await redis.kill();

    for (let request = 0; request < 4; request++) {
      const served = await chat(open, openKey);
      expect(served.status).toBe(200);
      expect(served.ms).toBeLessThan(1_500);
      const refused = await chat(closed, closedKey);
      expect(refused).toMatchObject({ status: 503, code: 'state_store_unavailable' });
      expect(refused.ms).toBeLessThan(1_500);
    }
    for (const gateway of [open, closed]) {
      expect(count(gateway.stderr(), 'state_store_unavailable')).toBe(1);
      expect(gateway.child.exitCode).toBeNull();
    }

    await redis.restart();

    // Redis came back empty (no persistence); a static key's request reads breaker state, which ends the outage.
    for (const gateway of [open, closed]) {
      const deadline = Date.now() + 8_000;
      while (count(gateway.stderr(), 'state_store_recovered') === 0 && Date.now() < deadline) {
        await chat(gateway, staticKey);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(count(gateway.stderr(), 'state_store_recovered')).toBe(1);
      expect((await chat(gateway, staticKey)).status).toBe(200);
    }
  });
});
