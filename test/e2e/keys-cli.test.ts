import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

const adminKey = 'admin-key-for-the-cli-test-0001';
const cli = resolve(import.meta.dirname, '../../bin/switchboard.js');

function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => {
      err += data.toString();
    });
    child.once('exit', (code) => done({ code, out, err }));
  });
}

describe('switchboard keys against a running gateway', () => {
  let upstream: FakeOpenAI;
  let gateway: SpawnedGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
    gateway = await spawnGateway({
      config: {
        auth: { keys: ['sk-gw-static-key-0001'], adminKey },
        providers: [{ id: 'fake', type: 'openai', baseUrl: upstream.baseUrl, apiKey: 'sk-up' }],
      },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  it('create, use, list, update, rotate, revoke', async () => {
    const base = ['keys', '--url', gateway.url];
    const created = await runCli([...base, 'create', '--name', 'cli', '--models', 'gpt-4o*', '--rpm', '2'], {
      SWITCHBOARD_ADMIN_KEY: adminKey,
    });
    expect(created.code, created.err).toBe(0);
    expect(created.err).toContain('Store the secret now');
    const key = JSON.parse(created.out) as { id: string; secret: string; limits: unknown };
    expect(key.limits).toEqual({ requestsPerMinute: 2 });

    const chat = (secret: string) =>
      fetch(`${gateway.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
    const first = await chat(key.secret);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');

    const listed = await runCli([...base, '--admin-key', adminKey, 'list']);
    expect(JSON.parse(listed.out).data.map((entry: { id: string }) => entry.id)).toContain(key.id);
    const updated = await runCli([...base, '--admin-key', adminKey, 'update', key.id, '--team', 'infra']);
    expect(JSON.parse(updated.out)).toMatchObject({ team: 'infra', name: 'cli' });

    const rotated = await runCli([...base, '--admin-key', adminKey, 'rotate', key.id]);
    const secret = (JSON.parse(rotated.out) as { secret: string }).secret;
    expect((await chat(key.secret)).status).toBe(401);
    expect((await chat(secret)).status).toBe(200);

    const revoked = await runCli([...base, '--admin-key', adminKey, 'revoke', key.id]);
    expect(JSON.parse(revoked.out)).toMatchObject({ status: 'revoked' });
    expect((await chat(secret)).status).toBe(401);

    const wrong = await runCli([...base, '--admin-key', 'not-the-admin-key-0000', 'list']);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('401');
  });
});
