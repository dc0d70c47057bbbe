import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { silentLogger } from '../app-deps.ts';
import { ModelCatalog } from '../catalog/model-catalog.ts';
import { parseGatewayConfig } from '../config/parse-gateway-config.ts';
import { providerAdapters } from '../providers/provider-adapters.ts';
import { createNodeDeps } from '../runtime/node/create-node-deps.ts';

const gatewayKey = 'sk-gw-models-route-0001';
const authorized = { authorization: `Bearer ${gatewayKey}` };

type Entry = {
  id: string;
  object: string;
  created: number;
  owned_by: string;
  kind?: string;
  context_length?: number;
  pricing?: { input: number; output: number; cached_input?: number };
};

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/**
 * A gateway over real adapters and a fake fetch: `primary` lists OpenAI models (priced by the built-in table, one
 * overridden in config), `router` lists models with per-token prices as OpenRouter does, `local` has an unpriced one.
 */
async function gateway(extra: Record<string, unknown> = {}) {
  const fetch = (async (input: RequestInfo | URL) => {
    const url = String(input);
    if (url === 'http://primary.test/v1/models') {
      return json({ data: [{ id: 'gpt-4o-mini' }, { id: 'gpt-4o' }, { id: 'text-embedding-3-small' }] });
    }
    if (url === 'http://router.test/v1/models') {
      return json({
        data: [
          {
            id: 'vendor/open-model',
            context_length: 32768,
            pricing: { prompt: '0.0000005', completion: '0.0000015', input_cache_read: '0.0000001' },
          },
        ],
      });
    }
    if (url === 'http://local.test/v1/models') return json({ data: [{ id: 'my-local-model' }] });
    return new Response('offline', { status: 500 });
  }) as typeof globalThis.fetch;
  const config = parseGatewayConfig(
    JSON.stringify({
      auth: { keys: [gatewayKey] },
      providers: [
        {
          id: 'primary',
          type: 'openai',
          baseUrl: 'http://primary.test/v1',
          prices: { 'gpt-4o': { input: 2, output: 8 } },
        },
        { id: 'router', type: 'openai', baseUrl: 'http://router.test/v1' },
        { id: 'local', type: 'openai', baseUrl: 'http://local.test/v1' },
      ],
      ...extra,
    }),
    {},
  );
  const catalog = new ModelCatalog({
    providers: config.providers,
    adapters: providerAdapters,
    fetch,
    now: Date.now,
    generateId: (prefix) => `${prefix}1`,
    ttlMs: 600_000,
    discoveryTimeoutMs: 1_000,
  });
  await catalog.load();
  const app = createApp({ ...(await createNodeDeps(config, silentLogger)), catalog, fetch });
  const get = (path: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { ...authorized, ...headers } });
  const list = async (headers: Record<string, string> = {}) => {
    const response = await get('/v1/models', headers);
    expect(response.status).toBe(200);
    return (await response.json()) as { object: string; data: Entry[] };
  };
  return { get, list };
}

const byId = (entries: Entry[], id: string) => entries.find((entry) => entry.id === id);

describe('GET /v1/models', () => {
  it('says each model’s kind and, when known, its prices (USD per 1M tokens) at its provider', async () => {
    const { list } = await gateway();
    const { object, data } = await list();
    expect(object).toBe('list');
    expect(byId(data, 'gpt-4o-mini')).toEqual({
      id: 'gpt-4o-mini',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'primary',
      kind: 'chat',
      pricing: { input: 0.15, output: 0.6, cached_input: 0.075 },
    });
    // providers[].prices wins over the built-in table; no cached price named, so none is listed.
    expect(byId(data, 'gpt-4o')?.pricing).toEqual({ input: 2, output: 8 });
    expect(byId(data, 'primary/gpt-4o')?.pricing).toEqual({ input: 2, output: 8 });
    expect(byId(data, 'text-embedding-3-small')).toMatchObject({ kind: 'embedding', pricing: { input: 0.02 } });
    // A model list's own per-token prices, converted.
    expect(byId(data, 'router/vendor/open-model')).toMatchObject({
      owned_by: 'router',
      kind: 'chat',
      pricing: { input: 0.5, output: 1.5, cached_input: 0.1 },
    });
    const unpriced = byId(data, 'my-local-model');
    expect(unpriced).toMatchObject({ kind: 'chat', owned_by: 'local' });
    expect(unpriced).not.toHaveProperty('pricing');
    expect(unpriced).not.toHaveProperty('context_length');
  });

  it('top-level prices by provider/model apply to that provider only', async () => {
    const { list } = await gateway({ prices: { 'local/my-local-model': { input: 0, output: 0 } } });
    const { data } = await list();
    expect(byId(data, 'my-local-model')?.pricing).toEqual({ input: 0, output: 0 });
    expect(byId(data, 'gpt-4o-mini')?.pricing).toMatchObject({ input: 0.15 });
  });

  it('lists groups and auto first, owned by switchboard, with the context lengths auto declares', async () => {
    const { list } = await gateway({
      groups: { fast: ['gpt-4o-mini', 'router/vendor/open-model'], 'gpt-4o': ['primary/gpt-4o'] },
      auto: { models: [{ model: 'gpt-4o-mini', contextLength: 128000 }, 'my-local-model'] },
    });
    const { data } = await list();
    expect(data.slice(0, 3)).toEqual([
      { id: 'fast', object: 'model', created: expect.any(Number), owned_by: 'switchboard', kind: 'chat' },
      { id: 'gpt-4o', object: 'model', created: expect.any(Number), owned_by: 'switchboard', kind: 'chat' },
      { id: 'auto', object: 'model', created: expect.any(Number), owned_by: 'switchboard', kind: 'chat' },
    ]);
    // A group shadows the catalog model of its name, as in routing; the provider's own id stays.
    expect(data.filter((entry) => entry.id === 'gpt-4o')).toHaveLength(1);
    expect(byId(data, 'primary/gpt-4o')).toMatchObject({ owned_by: 'primary' });
    expect(byId(data, 'gpt-4o-mini')).toMatchObject({ context_length: 128000 });
    expect(new Set(data.map((entry) => entry.id)).size).toBe(data.length);
  });

  it('has no auto entry without an auto config', async () => {
    const { list } = await gateway();
    const { data } = await list();
    expect(byId(data, 'auto')).toBeUndefined();
    expect(data.some((entry) => entry.owned_by === 'switchboard')).toBe(false);
  });

  it('answers the Anthropic shape to anthropic-version: chat models, groups and auto, no embeddings', async () => {
    const { get } = await gateway({ groups: { fast: ['gpt-4o-mini'] }, auto: { models: ['gpt-4o-mini'] } });
    const response = await get('/v1/models?limit=1000', { 'anthropic-version': '2023-06-01' });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { data: Array<Record<string, unknown>>; has_more: boolean };
    const ids = page.data.map((entry) => entry.id);
    expect(ids.slice(0, 2)).toEqual(['fast', 'auto']);
    expect(ids).toContain('gpt-4o-mini');
    expect(ids).not.toContain('text-embedding-3-small');
    expect(page.has_more).toBe(false);
    for (const entry of page.data) {
      expect(Object.keys(entry).sort()).toEqual(['created_at', 'display_name', 'id', 'type']);
    }
    const small = await (await get('/v1/models?limit=2', { 'anthropic-version': '2023-06-01' })).json();
    expect(small).toMatchObject({ has_more: true, first_id: 'fast', last_id: 'auto' });
  });
});

describe('GET /v1/models/{id}', () => {
  it('answers one entry with the same fields as the list', async () => {
    const { get, list } = await gateway({ groups: { fast: ['gpt-4o-mini'] }, auto: { models: ['gpt-4o-mini'] } });
    const { data } = await list();
    for (const id of ['gpt-4o-mini', 'router/vendor/open-model', 'text-embedding-3-small', 'fast', 'auto']) {
      const response = await get(`/v1/models/${id}`);
      expect(response.status, id).toBe(200);
      expect(await response.json()).toEqual(byId(data, id));
    }
  });

  it('answers groups, auto and models in the Anthropic shape to anthropic-version', async () => {
    const { get } = await gateway({ groups: { fast: ['gpt-4o-mini'] }, auto: { models: ['gpt-4o-mini'] } });
    for (const id of ['fast', 'auto', 'gpt-4o-mini']) {
      const response = await get(`/v1/models/${id}`, { 'anthropic-version': '2023-06-01' });
      expect(await response.json()).toEqual({
        type: 'model',
        id,
        display_name: id,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    }
  });

  it('is a 404 for an unknown id, and for auto when none is configured', async () => {
    const { get } = await gateway();
    for (const id of ['not-a-model', 'auto']) {
      const response = await get(`/v1/models/${id}`);
      expect(response.status, id).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: 'model_not_found', param: 'model' } });
    }
  });
});
