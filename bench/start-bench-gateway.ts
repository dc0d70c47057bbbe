import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatTarget } from './measure-load.ts';
import { type SpawnedServer, spawnServer } from './spawn-server.ts';

/** The key the bench's gateways accept. */
export const benchGatewayKey = 'sk-bench-gateway-key-0001';

/** The same one-message non-stream chat completion for every target, with the gateway's key. */
export function benchChatTarget(url: string): ChatTarget {
  return {
    url,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${benchGatewayKey}` },
    body: JSON.stringify({
      model: 'bench-model',
      messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
    }),
  };
}

/** The same chat completion as `benchChatTarget`, asked as a stream. */
export function benchStreamTarget(url: string): ChatTarget {
  const target = benchChatTarget(url);
  return { ...target, body: JSON.stringify({ ...JSON.parse(target.body), stream: true }) };
}

export type BenchGatewayOptions = {
  /** The CLI to run (`bin/switchboard.js`, or another build's). */
  cli: string;
  upstreamUrl: string;
  /** Node flags before the CLI (`--cpu-prof` …). */
  nodeArgs?: string[];
  /** Extra environment for this gateway alone. */
  env?: Record<string, string>;
  name?: string;
};

/**
 * The real CLI, as a user runs it: its own folder (so its own request log file), a config file with one provider
 * pointing at the upstream, one key, warn-level logs, no local probing, and no provider keys from this environment.
 */
export async function startBenchGateway(options: BenchGatewayOptions): Promise<SpawnedServer> {
  const directory = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
  const config = {
    auth: { keys: [benchGatewayKey] },
    providers: [
      {
        id: 'bench',
        type: 'openai',
        baseUrl: `${options.upstreamUrl}/v1`,
        apiKey: 'sk-bench-upstream-key',
        models: ['bench-model'],
        discover: false,
      },
    ],
    routing: { retries: 0, timeoutMs: 30_000 },
    catalog: { probeLocal: false },
  };
  writeFileSync(join(directory, 'switchboard.json'), JSON.stringify(config));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/_API_KEY$|^SWITCHBOARD_/.test(name)) env[name] = value;
  }
  Object.assign(env, { SWITCHBOARD_LOG_LEVEL: 'warn', SWITCHBOARD_PROBE_LOCAL: 'false' }, options.env);
  const args = [...(options.nodeArgs ?? []), options.cli, 'serve', '--config', join(directory, 'switchboard.json')];
  return spawnServer(options.name ?? 'gateway', [...args, '--host', '127.0.0.1', '--port', '0'], {
    cwd: directory,
    env,
    ready: /Switchboard is ready: (http:\/\/[^\s/]+)\/v1/,
  });
}
