import { createServer } from 'node:net';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

/** A port nothing listens on: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function eventually(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}

const chat = (model: string, content = 'hi') => ({ model, messages: [{ role: 'user' as const, content }] });

describe('resilience: retries, failover, timeouts, breakers', () => {
  let alpha: FakeOpenAI;
  let beta: FakeOpenAI;
  let slow: FakeOpenAI;
  let gamma: FakeOpenAI;
  let gateway: SpawnedGateway;
  let client: OpenAI;

  beforeAll(async () => {
    alpha = await startFakeOpenAI({ models: ['solo', 'shared', 'hedged'] });
    beta = await startFakeOpenAI({ models: ['shared', 'parkable'] });
    gamma = await startFakeOpenAI({ models: ['parkable'] });
    slow = await startFakeOpenAI({ models: ['hedged'], latencyMs: 1_500 });
    const deadPort = await closedPort();
    gateway = await spawnGateway({
      config: {
        providers: [
          {
            id: 'dead',
            type: 'openai',
            baseUrl: `http://127.0.0.1:${deadPort}/v1`,
            models: ['always-up'],
            discover: false,
          },
          { id: 'slow', type: 'openai', baseUrl: slow.baseUrl },
          { id: 'gamma', type: 'openai', baseUrl: gamma.baseUrl },
          { id: 'alpha', type: 'openai', baseUrl: alpha.baseUrl, models: ['always-up'] },
          { id: 'beta', type: 'openai', baseUrl: beta.baseUrl },
        ],
        routing: {
          retries: 2,
          timeoutMs: 4_000,
          firstByteTimeoutMs: 700,
          idleTimeoutMs: 700,
          circuitBreaker: { minRequests: 4, errorRatio: 0.9, windowMs: 60_000, openMs: 60_000 },
          hedging: { delayMs: 100 },
        },
      },
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'unused', maxRetries: 0, timeout: 15_000 });
  });

  afterEach(async () => {
    alpha.faults.length = 0;
    beta.faults.length = 0;
    // Nothing leaks: stalled or abandoned upstream sockets are closed; only a few pooled keep-alive sockets remain.
    await eventually(() => alpha.openSockets() <= 4 && beta.openSockets() <= 4);
    expect(alpha.openSockets()).toBeLessThanOrEqual(4);
    expect(beta.openSockets()).toBeLessThanOrEqual(4);
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([alpha?.close(), beta?.close(), slow?.close(), gamma?.close()]);
  });

  it('retries a 500 and answers', async () => {
    alpha.faults.push({ kind: 'status', status: 500 });
    const before = alpha.requests.length;
    const { data, response } = await client.chat.completions.create(chat('solo', 'once more')).withResponse();
    expect(data.choices[0]?.message.content).toBe('Echo: once more');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(alpha.requests.length - before).toBe(2);
  });

  it('honours a short Retry-After on a 429 and answers', async () => {
    alpha.faults.push({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const { response } = await client.chat.completions.create(chat('solo')).withResponse();
    const elapsed = Date.now() - started;
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('retries a 429 without Retry-After after a short backoff', async () => {
    alpha.faults.push({ kind: 'status', status: 429 });
    const started = Date.now();
    const { response } = await client.chat.completions.create(chat('solo')).withResponse();
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails over at once when Retry-After does not fit the deadline, and parks the provider', async () => {
    gamma.faults.push({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    const started = Date.now();
    const first = await client.chat.completions.create(chat('parkable')).withResponse();
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(first.response.headers.get('x-switchboard-provider')).toBe('beta');
    const gammaBefore = gamma.requests.length;
    const second = await client.chat.completions.create(chat('parkable')).withResponse();
    expect(second.response.headers.get('x-switchboard-provider')).toBe('beta');
    expect(second.response.headers.get('x-switchboard-attempts')).toBe('1');
    expect(gamma.requests.length).toBe(gammaBefore);
  });

  it('gives up on a stream that stalls before its first byte and retries within the deadline', async () => {
    alpha.faults.push({ kind: 'stall-before-headers' });
    const started = Date.now();
    const { data, response } = await client.chat.completions
      .create({ ...chat('solo', 'again'), stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: again');
    const elapsed = Date.now() - started;
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(2_500);
  });

  it('answers 504 when every attempt stalls, bounded by the deadline', async () => {
    alpha.faults.push(
      { kind: 'stall-before-headers' },
      { kind: 'stall-before-headers' },
      { kind: 'stall-before-headers' },
    );
    const started = Date.now();
    await expect(
      client.chat.completions.create(chat('solo'), { headers: { 'x-switchboard-timeout-ms': '1200' } }),
    ).rejects.toMatchObject({ status: 504 });
    expect(Date.now() - started).toBeLessThan(1_200 + 800);
  });

  it('retries malformed JSON from the upstream', async () => {
    alpha.faults.push({ kind: 'malformed-json' });
    const { data, response } = await client.chat.completions.create(chat('solo', 'fixed')).withResponse();
    expect(data.choices[0]?.message.content).toBe('Echo: fixed');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
  });

  it('ends a stream that goes silent mid-way with an error event, after the idle timeout', async () => {
    alpha.faults.push({ kind: 'stall-mid-stream', afterChunks: 2 });
    const started = Date.now();
    const stream = await client.chat.completions.create({ ...chat('solo', 'a b c d e f'), stream: true });
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
    ).rejects.toThrow(/sent nothing/);
    expect(text).toBe('Echo: ');
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('ends a stream with malformed SSE with an error event', async () => {
    alpha.faults.push({ kind: 'malformed-sse' });
    const stream = await client.chat.completions.create({ ...chat('solo'), stream: true });
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // drain
        }
      })(),
    ).rejects.toThrow(/not JSON/);
  });

  it('fails over to a second provider before the first chunk of a stream: the client sees a clean stream', async () => {
    alpha.faults.push({ kind: 'status', status: 503 });
    const stream = await client.chat.completions.create({ ...chat('shared', 'x y'), stream: true }).withResponse();
    expect(stream.response.headers.get('x-switchboard-provider')).toBe('beta');
    let text = '';
    for await (const chunk of stream.data) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: x y');
  });

  it('never shows the client an error when one of two providers is down, and opens its circuit', async () => {
    const outcomes = [];
    for (let i = 0; i < 8; i++) {
      const { response } = await client.chat.completions.create(chat('always-up', `n${i}`)).withResponse();
      outcomes.push({
        provider: response.headers.get('x-switchboard-provider'),
        attempts: response.headers.get('x-switchboard-attempts'),
      });
    }
    expect(outcomes.every((outcome) => outcome.provider === 'alpha')).toBe(true);
    // Once the breaker of the dead provider is open, requests go straight to the live one.
    expect(outcomes.at(-1)?.attempts).toBe('1');
    const health = (await (await fetch(`${gateway.url}/health/providers`)).json()) as {
      providers: Array<{ id: string; state: string; lastError?: string; errorRate: number }>;
    };
    const dead = health.providers.find((provider) => provider.id === 'dead');
    expect(dead?.state).toBe('open');
    expect(dead?.lastError).toMatch(/could not be reached/);
  });

  it('stops a backoff when the client goes away: no further upstream attempt', async () => {
    alpha.faults.push({ kind: 'status', status: 503, headers: { 'retry-after': '2' } });
    const before = alpha.requests.length;
    const controller = new AbortController();
    const pending = client.chat.completions.create(chat('solo'), { signal: controller.signal });
    await eventually(() => alpha.requests.length > before);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(alpha.requests.length - before).toBe(1);
  });

  it('hedges a slow first candidate with a second one when asked', async () => {
    const started = Date.now();
    const { response } = await client.chat.completions
      .create(chat('hedged'), { headers: { 'x-switchboard-hedge': 'on' } })
      .withResponse();
    expect(response.headers.get('x-switchboard-provider')).toBe('alpha');
    expect(Date.now() - started).toBeLessThan(1_200);
  });
});
