import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { runCli, type SpawnedGateway, spawnGateway, writeConfigFile } from '../support/spawn-gateway.ts';

/** Every gateway this file starts, stopped in afterAll whatever happened to the test. */
const started: SpawnedGateway[] = [];
async function start(options: Parameters<typeof spawnGateway>[0]): Promise<SpawnedGateway> {
  const gateway = await spawnGateway(options);
  started.push(gateway);
  return gateway;
}

let upstream: FakeOpenAI;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ models: ['gpt-4o-mini', 'text-embedding-3-small', 'shared'] });
});

afterAll(async () => {
  await Promise.all(started.map((gateway) => gateway.stop('SIGKILL')));
  await upstream?.close();
});

describe('switchboard models', () => {
  it('prints the catalog of a config pointing at a fake upstream', async () => {
    const second = await startFakeOpenAI({ models: ['shared', 'llama-3.3-70b'] });
    try {
      const path = writeConfigFile(`
providers:
  - id: alpha
    type: openai
    baseUrl: ${upstream.baseUrl}
    models: [{ id: fast, model: gpt-4o-mini }]
  - id: beta
    type: openai
    baseUrl: ${second.baseUrl}
`);
      const result = await runCli(['models', '--config', path]);
      expect(result.code, result.stderr).toBe(0);
      const rows = result.stdout
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s{2,}/));
      expect(rows).toEqual([
        ['fast', 'alpha'],
        ['gpt-4o-mini', 'alpha'],
        ['llama-3.3-70b', 'beta'],
        ['shared', 'alpha, beta'],
        ['text-embedding-3-small', 'alpha'],
      ]);
    } finally {
      await second.close();
    }
  });

  it('reports a provider that fails discovery on stderr and still lists the others', async () => {
    const path = writeConfigFile({
      providers: [
        { id: 'down', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
        { id: 'up', type: 'openai', baseUrl: upstream.baseUrl },
      ],
    });
    const result = await runCli(['models', '--config', path]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^provider down: /m);
    expect(result.stdout).toContain('gpt-4o-mini');
  });
});

describe('config errors', () => {
  it('exits non-zero with the field, the problem and the fix on stderr', async () => {
    const path = writeConfigFile('providers:\n  - id: custom\n    type: openai\n');
    const result = await runCli(['serve', '--port', '0', '--config', path]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('config: providers[0].baseUrl: is missing. Fix: give the provider base URL');
    expect(result.stdout).not.toContain('ready');
  });

  it('names an unknown field', async () => {
    const path = writeConfigFile({ server: { prot: 8080 } }, 'switchboard.json');
    const result = await runCli(['models', '--config', path]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('config: server: has unknown field(s) prot. Fix:');
  });

  it('says when the config file does not exist', async () => {
    const result = await runCli(['models', '--config', '/nonexistent/switchboard.yaml']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/does not exist\. Fix:/);
  });
});

describe('switchboard serve', () => {
  it('with no providers still starts and says how to add one', async () => {
    const gateway = await start({ config: {} });
    expect(gateway.stdout()).toContain('No providers found.');
    expect(gateway.stdout()).toMatch(/Add one: set a key such as OPENAI_API_KEY/);
    const health = await fetch(`${gateway.url}/health/ready`);
    expect(health.status).toBe(200);
  });

  it('refuses --host 0.0.0.0 without gateway keys', async () => {
    const path = writeConfigFile({});
    const result = await runCli(['serve', '--port', '0', '--host', '0.0.0.0', '--config', path]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('auth.keys');
    expect(result.stderr).toMatch(/auth\.open: true/);
    expect(result.stdout).not.toContain('ready');
  });

  // `auth.open: true` on 0.0.0.0 is deliberately not started here: it would listen on every interface, and these
  // tests only ever bind 127.0.0.1. The refusal above covers the guard; letting it through is one boolean in serveNode.

  it('configures itself from OPENAI_API_KEY and shows why discovery failed, without hanging', async () => {
    // No network here: the openai preset fails discovery (DNS or timeout, 5 s at most); the table must say so.
    const startedAt = Date.now();
    const gateway = await start({ env: { OPENAI_API_KEY: 'sk-test-not-a-real-key' }, startTimeoutMs: 15_000 });
    expect(Date.now() - startedAt).toBeLessThan(15_000);
    expect(gateway.stdout()).toMatch(/^\s+openai\s+openai\s+env\s+failed: .+$/m);
    expect(gateway.stdout()).toContain('Auth: open');
  }, 20_000);

  it('SIGTERM exits 0', async () => {
    const gateway = await start({ config: { providers: [{ id: 'up', type: 'openai', baseUrl: upstream.baseUrl }] } });
    expect(gateway.stdout()).toMatch(/^\s+up\s+openai\s+config\s+3 models$/m);
    expect(await gateway.stop('SIGTERM')).toBe(0);
  });
});

describe('local probing', () => {
  // The presets' fixed default ports; the first free one gets a fake server bound to 127.0.0.1.
  const localPorts: Array<[string, number]> = [
    ['ollama', 11434],
    ['lmstudio', 1234],
    ['vllm', 8000],
    ['llamacpp', 8080],
  ];
  let fake: { id: string; server: Server } | undefined;

  beforeAll(async () => {
    for (const [id, port] of localPorts) {
      const server = createServer((request, response) => {
        if (request.url?.startsWith('/v1/models')) {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ object: 'list', data: [{ id: 'local-llama', object: 'model', created: 1 }] }));
          return;
        }
        response.writeHead(404).end();
      });
      const listening = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(port, '127.0.0.1', () => resolve(true));
      });
      if (listening) {
        fake = { id, server };
        return;
      }
    }
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (fake ? fake.server.close(() => resolve()) : resolve()));
  });

  it('adds a local server that answers on its default port', async (context) => {
    if (!fake) {
      context.skip('ports 11434, 1234, 8000 and 8080 are all taken on this machine');
      return;
    }
    const gateway = await start({ env: { SWITCHBOARD_PROBE_LOCAL: 'true' } });
    expect(gateway.stdout()).toMatch(new RegExp(`^\\s+${fake.id}\\s+openai\\s+local\\s+1 models$`, 'm'));
    const models = (await (await fetch(`${gateway.baseURL}/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((model) => model.id)).toContain(`${fake.id}/local-llama`);
  });

  it('probing off by default in these tests: nothing local is shown', async () => {
    const gateway = await start({});
    expect(gateway.stdout()).toContain('No providers found.');
    expect(gateway.stdout()).not.toContain('not running locally');
  });
});
