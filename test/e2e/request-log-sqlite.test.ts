import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

const gatewayKey = 'sk-gw-log-test-0001';
const adminKey = 'sk-admin-log-test-0001';

describe('the request log of a spawned gateway', () => {
  let upstream: FakeOpenAI;
  const directory = mkdtempSync(join(tmpdir(), 'switchboard-log-e2e-'));
  const running: SpawnedGateway[] = [];

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ models: ['gpt-4o-mini'], reply: () => ({ content: 'stored answer' }) });
  });

  afterAll(async () => {
    for (const gateway of running) await gateway.stop();
    await upstream?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  async function start(): Promise<SpawnedGateway> {
    const gateway = await spawnGateway({
      cwd: directory,
      config: {
        auth: { keys: [gatewayKey], adminKey },
        providers: [{ id: 'fake', type: 'openai', baseUrl: upstream.baseUrl }],
      },
    });
    running.push(gateway);
    return gateway;
  }

  async function requestIds(gateway: SpawnedGateway): Promise<string[]> {
    const response = await fetch(`${gateway.url}/admin/logs`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Array<{ requestId: string }> };
    return body.data.map((record) => record.requestId);
  }

  it('is a SQLite file in the working directory by default, kept across a restart', async () => {
    const first = await start();
    expect(existsSync(join(directory, 'switchboard-log.sqlite'))).toBe(false);
    const response = await fetch(`${first.baseURL}/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gatewayKey}`,
        'content-type': 'application/json',
        'x-request-id': 'req_kept',
      },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    // The log writer flushes within a second.
    const deadline = Date.now() + 5_000;
    while (!(await requestIds(first)).includes('req_kept') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await requestIds(first)).toEqual(['req_kept']);
    expect(existsSync(join(directory, 'switchboard-log.sqlite'))).toBe(true);
    expect(await first.stop()).toBe(0);

    const second = await start();
    expect(await requestIds(second)).toEqual(['req_kept']);
    expect(second.stderr()).not.toContain('request_log_sqlite_unavailable');
    expect(await second.stop()).toBe(0);
  });

  it('writes the records of the last requests before a SIGTERM exit', async () => {
    const gateway = await start();
    const response = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${gatewayKey}`,
        'content-type': 'application/json',
        'x-request-id': 'req_last',
      },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'bye' }] }),
    });
    await response.text();
    // At once, before the writer's one-second batch would have run on its own.
    expect(await gateway.stop()).toBe(0);
    const next = await start();
    expect(await requestIds(next)).toContain('req_last');
  });
});
