import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

/**
 * Smart routing end-to-end: the real CLI in front of three fake OpenAI-format upstreams that serve the same model
 * at different latency, price (set in config) and error rate. Bounded runs, offline.
 */
const prices = {
  fast: { input: 5, output: 10 },
  cheap: { input: 0.1, output: 0.2 },
  flaky: { input: 0.1, output: 0.2 },
};

let fast: FakeOpenAI;
let cheap: FakeOpenAI;
let flaky: FakeOpenAI;
const gateways: SpawnedGateway[] = [];

beforeAll(async () => {
  fast = await startFakeOpenAI({ models: ['chat-model', 'text-only'], latencyMs: 5 });
  cheap = await startFakeOpenAI({ models: ['chat-model'], latencyMs: 120 });
  flaky = await startFakeOpenAI({ models: ['chat-model'], latencyMs: 5 });
});

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await Promise.all([fast?.close(), cheap?.close(), flaky?.close()]);
});

async function start(
  routing: object,
  extra: object = {},
  providers = ['cheap', 'fast', 'flaky'],
): Promise<SpawnedGateway> {
  const fakes: Record<string, FakeOpenAI> = { fast, cheap, flaky };
  const gateway = await spawnGateway({
    config: {
      providers: providers.map((id) => ({
        id,
        type: 'openai',
        baseUrl: (fakes[id] as FakeOpenAI).baseUrl,
        prices: { 'chat-model': prices[id as keyof typeof prices], 'text-only': { input: 1, output: 1 } },
      })),
      routing: { retries: 0, timeoutMs: 5_000, ...routing },
      ...extra,
    },
  });
  gateways.push(gateway);
  return gateway;
}

type Answer = { status: number; headers: Headers; body: Record<string, unknown> };

async function chat(gateway: SpawnedGateway, body: object = {}, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'chat-model', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }], ...body }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

function tally(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) {
    const provider = answer.headers.get('x-switchboard-provider') ?? 'none';
    counts[provider] = (counts[provider] ?? 0) + 1;
  }
  return counts;
}

async function run(gateway: SpawnedGateway, count: number, headers: Record<string, string> = {}): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let index = 0; index < count; index++) answers.push(await chat(gateway, {}, headers));
  return answers;
}

describe('routing strategies over live statistics', () => {
  it('least-latency sends most traffic to the fastest provider', async () => {
    const gateway = await start({ strategy: 'least-latency' }, {}, ['cheap', 'fast']);
    const answers = await run(gateway, 60);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const counts = tally(answers);
    expect(counts.fast ?? 0).toBeGreaterThanOrEqual(48);
    expect(answers.at(-1)?.headers.get('x-switchboard-route')).toMatch(
      /^provider=\w+; model=chat-model; strategy=least-latency; attempts=1; reason=/,
    );
  });

  it('cheapest sends every request to the cheapest provider, and the cost header follows its price', async () => {
    const gateway = await start({ strategy: 'priority' }, {}, ['fast', 'cheap']);
    const answers = await run(gateway, 20, { 'x-switchboard-strategy': 'cheapest' });
    expect(tally(answers)).toEqual({ cheap: 20 });
    // The fake reports 9 prompt and 2 completion tokens.
    const expected = (9 * prices.cheap.input + 2 * prices.cheap.output) / 1e6;
    expect(Number(answers[0]?.headers.get('x-switchboard-cost-usd'))).toBeCloseTo(expected, 12);
    expect(answers[0]?.headers.get('x-switchboard-route')).toContain('strategy=cheapest');
    const expensive = await chat(gateway, {}, { 'x-switchboard-strategy': 'priority' });
    expect(expensive.headers.get('x-switchboard-provider')).toBe('fast');
    expect(Number(expensive.headers.get('x-switchboard-cost-usd'))).toBeCloseTo((9 * 5 + 2 * 10) / 1e6, 12);
  });

  it('smart moves away from a provider when it starts failing and comes back when it recovers', async () => {
    // Same price; flaky is much faster, until it fails.
    const gateway = await start(
      {
        strategy: 'smart',
        exploration: 0.1,
        circuitBreaker: { windowMs: 1_000, minRequests: 4, errorRatio: 0.5, openMs: 400 },
      },
      {},
      ['cheap', 'flaky'],
    );
    const healthy = await run(gateway, 20);
    expect(tally(healthy.slice(10)).flaky ?? 0).toBeGreaterThanOrEqual(8);

    flaky.faults.push(...Array.from({ length: 500 }, () => ({ kind: 'status' as const, status: 500 })));
    const failing = await run(gateway, 20);
    expect(failing.every((answer) => answer.status === 200)).toBe(true);
    expect(tally(failing.slice(10)).flaky ?? 0).toBe(0);
    // Mostly straight to the healthy provider; now and then flaky is probed again (that is how it can come back).
    const probed = failing.slice(10).filter((answer) => answer.headers.get('x-switchboard-attempts') !== '1');
    expect(probed.length).toBeLessThanOrEqual(5);

    flaky.faults.length = 0;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const recovered = await run(gateway, 30);
    expect(tally(recovered.slice(15)).flaky ?? 0).toBeGreaterThanOrEqual(11);
  });
});

describe('preferences, groups and auto', () => {
  let gateway: SpawnedGateway;
  beforeAll(async () => {
    gateway = await start(
      { strategy: 'priority' },
      {
        groups: { quick: ['flaky/chat-model', 'fast/chat-model'] },
        auto: { models: [{ model: 'text-only', tools: false }, 'chat-model'] },
      },
    );
  });

  it('provider.only in the body picks the provider, and no upstream sees the field', async () => {
    const before = cheap.requests.length;
    const answer = await chat(gateway, { provider: { only: ['flaky'] } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-switchboard-provider')).toBe('flaky');
    const seen = [...cheap.requests.slice(before), ...flaky.requests, ...fast.requests].filter(
      (request) => request.method === 'POST',
    );
    expect(seen.some((request) => 'provider' in (request.body as object))).toBe(false);
  });

  it('headers carry preferences for clients that cannot change the body', async () => {
    const ignored = await chat(gateway, {}, { 'x-switchboard-provider-ignore': 'cheap' });
    expect(ignored.headers.get('x-switchboard-provider')).toBe('fast');
    const ordered = await chat(gateway, {}, { 'x-switchboard-provider-order': 'flaky,fast' });
    expect(ordered.headers.get('x-switchboard-provider')).toBe('flaky');
    const priced = await chat(gateway, {}, { 'x-switchboard-provider-max-price': 'prompt=1,completion=1' });
    expect(priced.headers.get('x-switchboard-provider')).toBe('cheap');
    const sorted = await chat(gateway, {}, { 'x-switchboard-provider-sort': 'price' });
    expect(sorted.headers.get('x-switchboard-route')).toContain('strategy=cheapest');
  });

  it('invalid preferences are a 400 that names the field or header', async () => {
    const bad = await chat(gateway, { provider: { sort: 'fastest' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { param: 'provider.sort' } });
    const badHeader = await chat(gateway, {}, { 'x-switchboard-strategy': 'random' });
    expect(badHeader.status).toBe(400);
    expect(badHeader.body).toMatchObject({ error: { param: 'x-switchboard-strategy' } });
    const none = await chat(gateway, { provider: { only: ['nobody'] } });
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain('provider');
  });

  it('a group routes like a model, over the union of its members', async () => {
    const answer = await chat(gateway, { model: 'quick' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-switchboard-provider')).toBe('flaky');
    expect(answer.headers.get('x-switchboard-model')).toBe('flaky/chat-model');
    const fallback = await chat(gateway, { model: 'quick', provider: { ignore: ['flaky'] } });
    expect(fallback.headers.get('x-switchboard-provider')).toBe('fast');
  });

  it('auto picks a model by what the request needs and says which', async () => {
    const plain = await chat(gateway, { model: 'auto' });
    expect(plain.body.model).toBe('text-only');
    expect(plain.headers.get('x-switchboard-model')).toBe('text-only');
    const tools = await chat(gateway, {
      model: 'auto',
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
    });
    expect(tools.status).toBe(200);
    expect(tools.body.model).toBe('chat-model');
    expect(tools.headers.get('x-switchboard-model')).toBe('chat-model');
  });

  it('a stream carries the route header but no cost header (its cost is known only at the end)', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat-model', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchboard-route')).toMatch(/^provider=cheap; model=chat-model; strategy=priority/);
    expect(response.headers.get('x-switchboard-cost-usd')).toBeNull();
    await response.text();
  });
});
