import { describe, expect, it } from 'vitest';
import { silentLogger } from '../app-deps.ts';
import type { ChatRequest } from '../canonical/index.ts';
import { GatewayError } from '../canonical/index.ts';
import { ModelCatalog } from '../catalog/model-catalog.ts';
import type { ProviderAdapter, ProviderDefinition } from '../providers/provider-adapter.ts';
import { ActiveProber } from './active-prober.ts';
import { ProviderHealth } from './provider-health.ts';

const breaker = { windowMs: 60_000, minRequests: 2, errorRatio: 0.5, openMs: 60_000 };
const serverError = () => new GatewayError({ status: 503, message: 'down' });

function setup(behaviour: { chat?: () => void; embed?: () => void }) {
  const calls: Array<{ kind: string; body: unknown }> = [];
  const adapter: ProviderAdapter = {
    format: 'openai',
    listModels: async () => [{ id: 'chatty' }, { id: 'text-embedding-3-small', kind: 'embedding' }],
    async chatCompletion(_provider, request: ChatRequest) {
      calls.push({ kind: 'chat', body: request });
      behaviour.chat?.();
      return {
        stream: false,
        headers: new Headers(),
        response: { id: 'x', object: 'chat.completion', created: 1, model: request.model, choices: [] },
      };
    },
    async embeddings(_provider, request) {
      calls.push({ kind: 'embedding', body: request });
      behaviour.embed?.();
      return {
        response: { object: 'list', data: [], model: request.model, usage: { prompt_tokens: 1, total_tokens: 1 } },
        usageEstimated: false,
      } as never;
    },
  };
  const provider: ProviderDefinition = {
    id: 'alpha',
    type: 'openai',
    baseUrl: 'http://127.0.0.1:9/v1',
    models: [],
    aliases: {},
    discover: true,
    source: 'config',
  };
  const catalog = new ModelCatalog({
    providers: [provider],
    adapters: { openai: adapter, anthropic: undefined, gemini: undefined },
    fetch: fetch,
    now: Date.now,
    generateId: (prefix) => `${prefix}1`,
    ttlMs: 600_000,
    discoveryTimeoutMs: 1_000,
  });
  const health = new ProviderHealth(breaker, Date.now);
  const prober = new ActiveProber(
    { catalog, health, fetch, now: Date.now, generateId: (prefix) => `${prefix}1`, logger: silentLogger },
    { intervalMs: 10_000, timeoutMs: 1_000 },
  );
  return { catalog, health, prober, calls };
}

describe('ActiveProber', () => {
  it('probes a provider whose circuit is open with a one-token chat and closes it on success', async () => {
    const { catalog, health, prober, calls } = setup({});
    await catalog.load();
    const target = { providerId: 'alpha', model: 'chatty' };
    health.recordFailure(target, serverError());
    health.recordFailure(target, serverError());
    expect(health.peek(target).admitted).toBe(false);
    await prober.runIfDue();
    expect(calls).toEqual([
      { kind: 'chat', body: { model: 'chatty', messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 } },
    ]);
    expect(health.peek(target).admitted).toBe(true);
    expect(prober.runIfDue()).toBeUndefined();
  });

  it('probes an embedding model with an embedding, never with a chat', async () => {
    const { catalog, health, prober, calls } = setup({});
    await catalog.load();
    const target = { providerId: 'alpha', model: 'text-embedding-3-small' };
    health.recordFailure(target, serverError());
    health.recordFailure(target, serverError());
    await prober.round();
    expect(calls.map((call) => call.kind)).toEqual(['embedding']);
    expect(health.peek(target).admitted).toBe(true);
  });

  it('does not count a probe the upstream refuses as a bad request, and keeps a failing provider open', async () => {
    const refused = setup({
      chat: () => {
        throw new GatewayError({ status: 404, message: 'no such model' });
      },
    });
    await refused.catalog.load();
    const target = { providerId: 'alpha', model: 'chatty' };
    refused.health.recordFailure(target, serverError());
    refused.health.recordFailure(target, serverError());
    await refused.prober.round();
    expect(refused.health.report().find((report) => !report.model)?.requests).toBe(0);

    const failing = setup({
      chat: () => {
        throw serverError();
      },
    });
    await failing.catalog.load();
    failing.health.recordFailure(target, serverError());
    failing.health.recordFailure(target, serverError());
    await failing.prober.round();
    expect(failing.health.peek(target).admitted).toBe(false);
  });

  it('leaves healthy providers alone', async () => {
    const { catalog, prober, calls } = setup({});
    await catalog.load();
    await prober.round();
    expect(calls).toEqual([]);
  });
});
