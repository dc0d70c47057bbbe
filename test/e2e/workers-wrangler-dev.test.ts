import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';

const root = resolve(import.meta.dirname, '../..');
const wrangler = join(root, 'node_modules/.bin/wrangler');
const gatewayKey = 'sk-gw-wrangler-dev-1';
const upstreamKey = 'sk-upstream-wrangler-dev';

/**
 * The Worker as `wrangler dev` serves it from wrangler.jsonc: the production compatibility settings (no nodejs_compat,
 * unlike the vitest pool's runner), real HTTP on 127.0.0.1, vars from an env file, a fake upstream on 127.0.0.1.
 */
describe('the Worker under wrangler dev', () => {
  let fake: FakeOpenAI;
  let child: ChildProcess | undefined;
  let output = '';
  let url: string;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeOpenAI({ models: ['gpt-4o-mini'], apiKey: upstreamKey });
    const directory = mkdtempSync(join(tmpdir(), 'switchboard-wrangler-'));
    const config = {
      providers: [{ id: 'fake', type: 'openai', baseUrl: '${FAKE_OPENAI_BASE_URL}', apiKey: '${FAKE_OPENAI_KEY}' }],
      routing: { retries: 0, timeoutMs: 5000 },
    };
    const envFile = join(directory, 'worker.env');
    writeFileSync(
      envFile,
      [
        // Wrangler expands `${NAME}` in env files itself: escaped, the references reach the gateway's own interpolation.
        `SWITCHBOARD_CONFIG='${JSON.stringify(config).replaceAll('${', '\\${')}'`,
        `WORKER_API_KEY=${gatewayKey}`,
        `FAKE_OPENAI_BASE_URL=${fake.baseUrl}`,
        `FAKE_OPENAI_KEY=${upstreamKey}`,
        '',
      ].join('\n'),
    );
    const [port, inspectorPort] = [await freePort(), await freePort()];
    url = `http://127.0.0.1:${port}`;
    // Started directly (not through npx) so the PID we stop is wrangler's own.
    child = spawn(
      wrangler,
      [
        'dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--inspector-port',
        String(inspectorPort),
        '--env-file',
        envFile,
        '--persist-to',
        join(directory, 'state'),
        '--show-interactive-dev-session=false',
        '--log-level',
        'warn',
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          CLOUDFLARE_CF_FETCH_ENABLED: 'false',
          WRANGLER_SEND_METRICS: 'false',
          CLOUDFLARE_INCLUDE_PROCESS_ENV: 'false',
          CI: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
    });
    child.stderr?.on('data', (data: Buffer) => {
      output += data.toString();
    });
    await waitForHealth(url, child, () => output, 45_000);
    client = new OpenAI({ baseURL: `${url}/v1`, apiKey: gatewayKey, maxRetries: 0, timeout: 10_000 });
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolveExit) => child?.once('exit', resolveExit));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await fake?.close();
  }, 20_000);

  it('lists the models discovered from the upstream', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o-mini', 'fake/gpt-4o-mini']));
  });

  it('answers a chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'over http' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Echo: over http');
    expect(fake.requests.at(-1)?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
  });

  it('streams a chat completion to the end', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'a streamed answer' }],
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Echo: a streamed answer');
    expect(chunks).toBeGreaterThan(2);
  });

  it('refuses a request without the gateway key', async () => {
    const response = await fetch(`${url}/v1/models`, { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(401);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let problem = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
      problem = `GET /health answered ${response.status}: ${await response.text()}`;
      if (response.status === 500) break; // a config error: waiting will not fix it
    } catch {
      // not listening yet
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
  throw new Error(`wrangler dev did not serve /health (${problem}):\n${output()}`);
}
