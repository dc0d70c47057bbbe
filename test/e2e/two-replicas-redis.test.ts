import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';
import { hasRedisServer, type StartedRedis, startRedis } from '../support/start-redis.ts';

const adminKey = 'admin-key-for-the-replica-test-01';

describe.skipIf(!hasRedisServer)('two gateway replicas sharing Redis', () => {
  let redis: StartedRedis;
  let upstream: FakeOpenAI;
  let replicas: SpawnedGateway[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    upstream = await startFakeOpenAI({ models: ['gpt-4o-mini'], latencyMs: 20 });
    const config = {
      auth: { keys: ['sk-gw-static-key-0001'], adminKey },
      providers: [{ id: 'fake', type: 'openai', baseUrl: upstream.baseUrl, apiKey: 'sk-up' }],
      state: { backend: 'redis', url: redis.url },
    };
    replicas = await Promise.all([spawnGateway({ config }), spawnGateway({ config })]);
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await upstream?.close();
    await redis?.stop();
  });

  it('a key limited to N requests per minute gets N across both replicas, not 2N', async () => {
    const [one, two] = replicas as [SpawnedGateway, SpawnedGateway];
    const created = await fetch(`${one.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shared', limits: { requestsPerMinute: 8 } }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    const chat = (replica: SpawnedGateway) =>
      fetch(`${replica.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      }).then((response) => response.status);
    // The key was created on replica one; replica two finds it in Redis by its hash.
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, index) => chat(index % 2 ? one : two)));
    expect(statuses.filter((status) => status === 200)).toHaveLength(8);
    expect(statuses.filter((status) => status === 429)).toHaveLength(22);
  });
});
