import { parseArgs } from 'node:util';
import { createApp } from '../src/app.ts';
import { type AppDeps, createProviderHealth, generateId, telemetryDeps } from '../src/app-deps.ts';
import { ModelCatalog } from '../src/catalog/model-catalog.ts';
import { parseGatewayConfig } from '../src/config/parse-gateway-config.ts';
import { providerAdapters } from '../src/providers/provider-adapters.ts';
import { MemoryCounterStore } from '../src/state/memory/memory-counter-store.ts';
import { MemoryKeyValueStore } from '../src/state/memory/memory-key-value-store.ts';
import { MemoryLogStore } from '../src/state/memory/memory-log-store.ts';
import { createTelemetry } from '../src/telemetry/create-telemetry.ts';

/**
 * `npm run bench:app`: the gateway's own cost per request without sockets, processes or a load generator. One chat
 * completion after another through `app.request()` with the real middleware, route, routing, attempt loop, OpenAI
 * adapter and telemetry (memory request log, metrics), against a `fetch` that answers at once. Far steadier than the
 * server bench on a shared machine, so it suits before/after comparisons of request-path changes; the absolute numbers
 * include Web `Request`/`Response` objects the Node server does not build.
 */
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
  },
});
const requests = Number(values.requests);
const rounds = Number(values.rounds);

const answer = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1,
  model: 'bench-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 },
});
const upstream = (async () =>
  new Response(answer, { status: 200, headers: { 'content-type': 'application/json' } })) as typeof fetch;
const silent = { info() {}, warn() {}, error() {} };
const config = parseGatewayConfig(
  JSON.stringify({
    auth: { keys: ['sk-bench-gateway-key-0001'] },
    providers: [
      {
        id: 'bench',
        type: 'openai',
        baseUrl: 'http://127.0.0.1:9/v1',
        apiKey: 'x',
        models: ['bench-model'],
        discover: false,
      },
    ],
    routing: { retries: 0 },
    catalog: { probeLocal: false },
    telemetry: { accessLog: false },
  }),
  {},
);
const catalog = new ModelCatalog({
  providers: config.providers,
  adapters: providerAdapters,
  fetch: upstream,
  now: Date.now,
  generateId,
  ttlMs: 600_000,
  discoveryTimeoutMs: 1_000,
});
await catalog.load();
const stores = { keyValue: new MemoryKeyValueStore(), counters: new MemoryCounterStore() };
const telemetry = createTelemetry({
  config: config.telemetry,
  logger: silent,
  fetch: upstream,
  now: Date.now,
  logStore: new MemoryLogStore({ maxEntries: 1_000 }),
});
const deps: AppDeps = {
  config,
  catalog,
  health: createProviderHealth(config, Date.now, stores.keyValue),
  stores,
  fetch: upstream,
  now: Date.now,
  generateId,
  logger: silent,
  waitUntil: () => undefined,
  ...telemetryDeps(telemetry),
};
const app = createApp(deps);
const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Say hello.' }] });
const headers = {
  'content-type': 'application/json',
  authorization: 'Bearer sk-bench-gateway-key-0001',
  'content-length': String(body.length),
};

async function run(count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const response = await app.request('/v1/chat/completions', { method: 'POST', headers, body });
    if (response.status !== 200) throw new Error(`status ${response.status}: ${await response.text()}`);
    await response.text();
  }
}

await run(Math.min(requests, 5_000)); // warm-up: the JIT settles before anything is timed
const perRequestUs: number[] = [];
for (let round = 0; round < rounds; round++) {
  const startedAt = performance.now();
  await run(requests);
  perRequestUs.push(((performance.now() - startedAt) / requests) * 1000);
}
perRequestUs.sort((left, right) => left - right);
const median = perRequestUs[Math.floor(perRequestUs.length / 2)] as number;
process.stdout.write(
  `in-process chat completion: ${median.toFixed(1)} µs per request (median of ${rounds} rounds of ${requests}; ` +
    `fastest ${(perRequestUs[0] as number).toFixed(1)} µs)\n`,
);
