import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { type AppDeps, createProviderHealth, silentLogger } from '../app-deps.ts';
import { ModelCatalog } from '../catalog/model-catalog.ts';
import { parseGatewayConfig } from '../config/parse-gateway-config.ts';
import responsesResponse from '../policy/__fixtures__/responses-response.json';
import responsesStream from '../policy/__fixtures__/responses-stream.sse?raw';
import anthropicMessage from '../providers/anthropic/__fixtures__/response-text.json';
import anthropicStream from '../providers/anthropic/__fixtures__/stream-text.sse?raw';
import { providerAdapters } from '../providers/provider-adapters.ts';
import { MemoryCounterStore } from '../state/memory/memory-counter-store.ts';
import { MemoryKeyValueStore } from '../state/memory/memory-key-value-store.ts';

/**
 * Virtual keys, limits and budgets on `/v1/messages`, `/v1/responses` and `/v1/embeddings`, translated and native
 * pass-through, through the real adapters over a fake fetch: nothing leaves the process.
 *
 * Every model costs $1000 per million tokens in and out, so a token is $0.001. Every upstream answer that is not a
 * fixture reports 150 tokens ($0.15); the fixtures report 150 (streams), 23 (Anthropic Message) and 42 (Response).
 */
const adminKey = 'admin-key-for-inbound-policy-0001';
const thousandPerMillion = { input: 1000, output: 1000, cachedInput: 1000 };
const bigUsage = { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 };

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const sse = (text: string) => new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });

function openAIChat(body: Record<string, unknown>): Response {
  const base = { id: 'chatcmpl-1', created: 1, model: body.model };
  if (body.stream !== true) {
    return json({
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
      usage: bigUsage,
    });
  }
  const chunk = { ...base, object: 'chat.completion.chunk' };
  const chunks = [
    { ...chunk, choices: [{ index: 0, delta: { role: 'assistant', content: 'hel' }, finish_reason: null }] },
    { ...chunk, choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }] },
    { ...chunk, choices: [], usage: bigUsage },
  ];
  return sse(`${chunks.map((item) => `data: ${JSON.stringify(item)}\n\n`).join('')}data: [DONE]\n\n`);
}

function gateway(config: Record<string, unknown> = {}) {
  const calls: string[] = [];
  let failNext = false;
  let cutNextStream = false;
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    calls.push(url);
    if (failNext) {
      failNext = false;
      return json({ error: { message: 'upstream broke', type: 'server_error' } }, 500);
    }
    if (url === 'http://compat.test/v1/chat/completions') return openAIChat(body);
    if (url === 'http://compat.test/v1/embeddings') {
      return json({
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [0.5, -0.5] }],
        model: body.model,
        usage: { prompt_tokens: 150, total_tokens: 150 },
      });
    }
    if (url === 'http://openai.test/v1/responses') {
      if (body.stream !== true) return json(responsesResponse);
      const cut = cutNextStream;
      cutNextStream = false;
      return sse(
        cut ? responsesStream.slice(0, responsesStream.indexOf('event: response.completed')) : responsesStream,
      );
    }
    if (url === 'http://claude.test/v1/messages')
      return body.stream === true ? sse(anthropicStream) : json(anthropicMessage);
    if (url === 'http://claude.test/v1/messages/count_tokens') return json({ input_tokens: 12 });
    return json({ error: { message: `unexpected ${url}` } }, 404);
  }) as typeof globalThis.fetch;
  const parsed = parseGatewayConfig(
    JSON.stringify({
      auth: { keys: ['sk-gw-inbound-policy-0001'], adminKey },
      providers: [
        {
          id: 'compat',
          type: 'openai',
          baseUrl: 'http://compat.test/v1',
          discover: false,
          models: ['gpt-4o-mini', 'text-embedding-3-small'],
        },
        // Named `openai`: the real Responses API, so `/v1/responses` passes through to it.
        { id: 'openai', type: 'openai', baseUrl: 'http://openai.test/v1', discover: false, models: ['gpt-native'] },
        {
          id: 'claude',
          type: 'anthropic',
          baseUrl: 'http://claude.test/v1',
          discover: false,
          models: ['claude-native'],
        },
      ],
      prices: Object.fromEntries(
        ['gpt-4o-mini', 'text-embedding-3-small', 'gpt-native', 'claude-native'].map((id) => [id, thousandPerMillion]),
      ),
      routing: { retries: 0, timeoutMs: 5_000 },
      ...config,
    }),
    {},
  );
  // A clock pinned to the start of a minute, so every window is the same one however long the test takes.
  const startedAt = Date.now();
  const now = () => Date.UTC(2030, 0, 1, 12, 0, 0) + (Date.now() - startedAt);
  const catalog = new ModelCatalog({
    providers: parsed.providers,
    adapters: providerAdapters,
    fetch,
    now,
    generateId: (prefix) => `${prefix}1`,
    ttlMs: 600_000,
    discoveryTimeoutMs: 1_000,
  });
  const stores = { keyValue: new MemoryKeyValueStore(now), counters: new MemoryCounterStore(now) };
  const settling: Array<Promise<unknown>> = [];
  let counter = 0;
  const deps: AppDeps = {
    config: parsed,
    catalog,
    health: createProviderHealth(parsed, now, stores.keyValue),
    stores,
    fetch,
    now,
    generateId: (prefix) => `${prefix}${++counter}`,
    logger: silentLogger,
    waitUntil: (work) => settling.push(work),
  };
  const app = createApp(deps);
  const admin = (path: string, body?: unknown) =>
    app.request(path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    app,
    stores,
    calls,
    failNext: () => {
      failNext = true;
    },
    cutNextStream: () => {
      cutNextStream = true;
    },
    post: (secret: string, path: string, body: Record<string, unknown>) =>
      app.request(path, {
        method: 'POST',
        headers: { 'x-api-key': secret, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(body),
      }),
    async createKey(input: Record<string, unknown>) {
      const response = await admin('/admin/keys', input);
      if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; secret: string };
    },
    async spend(id: string) {
      return ((await (await admin(`/admin/keys/${id}`)).json()) as { spend: { dailyUsd: number } }).spend.dailyUsd;
    },
    tokensThisMinute: (id: string) => stores.counters.get(`rl:${id}:tpm:${Math.floor(now() / 60_000)}`),
    /** Waits for background settlement (it never blocks a response). */
    async settled() {
      for (let round = 0; round < 5; round++) {
        await Promise.all(settling.splice(0));
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },
  };
}

type Route = {
  name: string;
  path: string;
  dialect: 'anthropic' | 'openai';
  model: string;
  body: (stream: boolean) => Record<string, unknown>;
  streams: boolean;
  /** Total tokens the upstream reports for a whole answer (a stream always reports 150). */
  jsonTokens: number;
};

const messages = (model: string) => (stream: boolean) => ({
  model,
  max_tokens: 16,
  messages: [{ role: 'user', content: 'hi' }],
  ...(stream ? { stream } : {}),
});
const responses = (model: string) => (stream: boolean) => ({
  model,
  input: 'hi',
  max_output_tokens: 16,
  ...(stream ? { stream } : {}),
});

const routes: Route[] = [
  {
    name: '/v1/messages translated',
    path: '/v1/messages',
    dialect: 'anthropic',
    model: 'gpt-4o-mini',
    body: messages('gpt-4o-mini'),
    streams: true,
    jsonTokens: 150,
  },
  {
    name: '/v1/messages native',
    path: '/v1/messages',
    dialect: 'anthropic',
    model: 'claude-native',
    body: messages('claude-native'),
    streams: true,
    jsonTokens: 23,
  },
  {
    name: '/v1/responses translated',
    path: '/v1/responses',
    dialect: 'openai',
    model: 'gpt-4o-mini',
    body: responses('gpt-4o-mini'),
    streams: true,
    jsonTokens: 150,
  },
  {
    name: '/v1/responses native',
    path: '/v1/responses',
    dialect: 'openai',
    model: 'gpt-native',
    body: responses('gpt-native'),
    streams: true,
    jsonTokens: 42,
  },
  {
    name: '/v1/embeddings',
    path: '/v1/embeddings',
    dialect: 'openai',
    model: 'text-embedding-3-small',
    body: () => ({ model: 'text-embedding-3-small', input: 'hi' }),
    streams: false,
    jsonTokens: 150,
  },
];

/** The error body in the route's dialect: Anthropic's `{type: "error", error: {type}}` or OpenAI's `{error: {type, code}}`. */
async function expectError(response: Response, route: Route, status: number, type: string, code: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as Record<string, Record<string, unknown>>;
  if (route.dialect === 'anthropic') {
    expect(body.type).toBe('error');
    expect(body.error?.type).toBe(type);
  } else {
    expect(body.error).toMatchObject({ type, code });
  }
}

describe.each(routes)('virtual keys on $name', (route) => {
  it('a key limited to 3 requests/min gets exactly 3 of 8 parallel requests; x-ratelimit-* on every answer', async () => {
    const gw = gateway();
    const key = await gw.createKey({ limits: { requestsPerMinute: 3 } });
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => gw.post(key.secret, route.path, route.body(false))),
    );
    const ok = answers.filter((response) => response.status === 200);
    expect(ok).toHaveLength(3);
    expect(ok[0]?.headers.get('x-ratelimit-limit')).toBe('3');
    await Promise.all(ok.map((response) => response.text()));
    const refused = answers.filter((response) => response.status !== 200);
    expect(refused).toHaveLength(5);
    expect(refused[0]?.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await expectError(refused[0] as Response, route, 429, 'rate_limit_error', 'rate_limit_exceeded');
  });

  it("a model outside the key's patterns is a 403 before any upstream call", async () => {
    const gw = gateway();
    const key = await gw.createKey({ models: ['something-else-*'] });
    const response = await gw.post(key.secret, route.path, route.body(false));
    await expectError(response, route, 403, 'permission_error', 'model_not_allowed');
    expect(gw.calls).toEqual([]);
  });

  it('the answer settles the real usage: tokens/min and the budget hold what the upstream reported', async () => {
    const gw = gateway();
    const key = await gw.createKey({ limits: { tokensPerMinute: 100_000 }, budget: { dailyUsd: 100 } });
    const response = await gw.post(key.secret, route.path, route.body(false));
    expect(response.status).toBe(200);
    await response.text();
    await gw.settled();
    expect(await gw.tokensThisMinute(key.id)).toBe(route.jsonTokens);
    expect(await gw.spend(key.id)).toBeCloseTo(route.jsonTokens / 1000, 9);
  });

  it('a budget spent by the final usage refuses the next request with 402', async () => {
    const gw = gateway();
    const key = await gw.createKey({ budget: { dailyUsd: 0.1 } });
    // Reserved at its estimate (well under $0.10), charged $0.15 when the usage arrives (a stream: its last event).
    const first = await gw.post(key.secret, route.path, route.body(route.streams));
    expect(first.status).toBe(200);
    await first.text();
    await gw.settled();
    expect(await gw.spend(key.id)).toBeCloseTo(0.15, 9);
    const next = await gw.post(key.secret, route.path, route.body(false));
    await expectError(
      next,
      route,
      402,
      route.dialect === 'anthropic' ? 'billing_error' : 'insufficient_quota',
      'budget_exceeded',
    );
  });

  it('an upstream failure gives the reservation back', async () => {
    const gw = gateway();
    const key = await gw.createKey({ limits: { requestsPerMinute: 1 }, budget: { dailyUsd: 1 } });
    gw.failNext();
    const failed = await gw.post(key.secret, route.path, route.body(false));
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await gw.settled();
    expect(await gw.spend(key.id)).toBe(0);
    expect((await gw.post(key.secret, route.path, route.body(false))).status).toBe(200);
  });

  it.runIf(route.streams)('a stream holds its concurrency slot until it was read to the end', async () => {
    const gw = gateway();
    const key = await gw.createKey({ limits: { concurrentRequests: 1, tokensPerMinute: 100_000 } });
    const stream = await gw.post(key.secret, route.path, route.body(true));
    expect(stream.status).toBe(200);
    const meanwhile = await gw.post(key.secret, route.path, route.body(false));
    await expectError(meanwhile, route, 429, 'rate_limit_error', 'concurrency_limit_exceeded');
    await stream.text();
    await gw.settled();
    expect(await gw.tokensThisMinute(key.id)).toBe(150);
    const after = await gw.post(key.secret, route.path, route.body(false));
    expect(after.status).toBe(200);
  });
});

describe('native pass-through without usage', () => {
  it('a Responses stream that ended before response.completed keeps its estimate', async () => {
    const gw = gateway();
    const key = await gw.createKey({ limits: { tokensPerMinute: 100_000 }, budget: { dailyUsd: 1 } });
    gw.cutNextStream();
    const stream = await gw.post(key.secret, '/v1/responses', responses('gpt-native')(true));
    expect(stream.status).toBe(200);
    await stream.text();
    await gw.settled();
    // 'hi' is 1 token, plus the max_output_tokens of 16.
    expect(await gw.tokensThisMinute(key.id)).toBe(17);
    expect(await gw.spend(key.id)).toBeCloseTo(0.017, 9);
  });
});

describe('virtual keys on /v1/messages/count_tokens', () => {
  it.each(['claude-native', 'gpt-4o-mini'])(
    '%s: the model patterns apply and it counts as a request',
    async (model) => {
      const gw = gateway();
      const denied = await gw.createKey({ models: ['something-else-*'] });
      const body = { model, messages: [{ role: 'user', content: 'hi' }] };
      const refused = await gw.post(denied.secret, '/v1/messages/count_tokens', body);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
      const key = await gw.createKey({ limits: { requestsPerMinute: 1 }, budget: { dailyUsd: 1 } });
      const counted = await gw.post(key.secret, '/v1/messages/count_tokens', body);
      expect(counted.status).toBe(200);
      expect(counted.headers.get('x-ratelimit-remaining')).toBe('0');
      await gw.settled();
      expect(await gw.spend(key.id)).toBe(0);
      expect((await gw.post(key.secret, '/v1/messages/count_tokens', body)).status).toBe(429);
    },
  );
});
