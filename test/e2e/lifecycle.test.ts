import { writeFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { spawnGateway, writeConfigFile } from '../support/spawn-gateway.ts';

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

async function modelIds(baseURL: string): Promise<string[]> {
  const body = (await (await fetch(`${baseURL}/models`)).json()) as { data: Array<{ id: string }> };
  return body.data.map((model) => model.id);
}

describe('graceful shutdown and config reload', () => {
  let first: FakeOpenAI;
  let second: FakeOpenAI;

  beforeAll(async () => {
    first = await startFakeOpenAI({ models: ['first-model'], chunkIntervalMs: 60 });
    second = await startFakeOpenAI({ models: ['second-model'] });
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  it('on SIGTERM stops accepting, lets a stream in flight finish, then exits 0', async () => {
    const gateway = await spawnGateway({
      config: {
        providers: [{ id: 'first', type: 'openai', baseUrl: first.baseUrl }],
        server: { shutdownGraceMs: 5_000 },
      },
    });
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'unused', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'first-model',
      stream: true,
      messages: [{ role: 'user', content: 'one two three four five six seven eight' }],
    });
    const exited = gateway.stop('SIGTERM');
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: one two three four five six seven eight');
    expect(await exited).toBe(0);
    await expect(fetch(`${gateway.url}/health`)).rejects.toThrow();
  });

  it('reloads on file change and SIGHUP; a bad config is refused and the old one keeps serving', async () => {
    const path = writeConfigFile({ providers: [{ id: 'first', type: 'openai', baseUrl: first.baseUrl }] });
    const gateway = await spawnGateway({ args: ['--config', path], env: { SWITCHBOARD_LOG_LEVEL: 'info' } });
    try {
      expect(await modelIds(gateway.baseURL)).toContain('first-model');

      writeFileSync(
        path,
        JSON.stringify({
          providers: [
            { id: 'first', type: 'openai', baseUrl: first.baseUrl },
            { id: 'second', type: 'openai', baseUrl: second.baseUrl },
          ],
        }),
      );
      expect(await eventually(async () => (await modelIds(gateway.baseURL)).includes('second-model'))).toBe(true);

      writeFileSync(path, JSON.stringify({ providers: [{ id: 'broken', type: 'nonsense' }] }));
      gateway.child.kill('SIGHUP');
      expect(await eventually(() => gateway.stderr().includes('config_reload_rejected'))).toBe(true);
      expect(gateway.stderr()).toMatch(/providers\[0\]\.type/);
      const ids = await modelIds(gateway.baseURL);
      expect(ids).toContain('first-model');
      expect(ids).toContain('second-model');
    } finally {
      expect(await gateway.stop()).toBe(0);
    }
  });
});
