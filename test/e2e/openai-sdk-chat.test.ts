import { connect } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

const gatewayKey = 'sk-gw-test-key-0001';
const providerKey = 'sk-upstream-secret-alpha';

describe('the real openai SDK through the spawned gateway', () => {
  let alpha: FakeOpenAI;
  let beta: FakeOpenAI;
  let gateway: SpawnedGateway;
  let client: OpenAI;

  beforeAll(async () => {
    alpha = await startFakeOpenAI({ models: ['gpt-4o-mini', 'shared-model'], apiKey: providerKey });
    beta = await startFakeOpenAI({
      models: ['llama-3.3-70b', 'shared-model'],
      reply: (body) =>
        body.tools
          ? {
              toolCalls: [
                { id: 'call_A', name: 'get_weather', arguments: '{"city":"Oslo"}' },
                { id: 'call_B', name: 'get_weather', arguments: '{"city":"Lima"}' },
              ],
            }
          : {
              content: `Echo: ${JSON.stringify((body.messages as Array<{ content: unknown }>).at(-1)?.content).slice(1, -1)}`,
            },
    });
    gateway = await spawnGateway({
      config: `
auth:
  keys: ["${gatewayKey}"]
providers:
  - id: alpha
    type: openai
    baseUrl: ${alpha.baseUrl}
    apiKey: \${ALPHA_KEY}
    models: [{ id: fast, model: gpt-4o-mini }]
  - id: beta
    type: openai
    baseUrl: ${beta.baseUrl}
routing:
  strategy: priority
  retries: 1
  timeoutMs: 5000
`,
      env: { ALPHA_KEY: providerKey },
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gatewayKey, maxRetries: 0, timeout: 10_000 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await alpha?.close();
    await beta?.close();
  });

  it('lists the union of models, each also as provider/model', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'gpt-4o-mini',
        'shared-model',
        'llama-3.3-70b',
        'fast',
        'alpha/gpt-4o-mini',
        'beta/shared-model',
      ]),
    );
    expect(ids.filter((id) => id === 'shared-model')).toHaveLength(1);
  });

  it('answers a chat completion with the provider key added and the client key never forwarded', async () => {
    const before = alpha.requests.length;
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Echo: hello');
    expect(data.usage?.total_tokens).toBe(11);
    expect(response.headers.get('x-switchboard-provider')).toBe('alpha');
    expect(Number(response.headers.get('x-switchboard-overhead-ms'))).toBeGreaterThanOrEqual(0);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const sent = alpha.requests.slice(before).find((request) => request.path === '/v1/chat/completions');
    expect(sent?.headers.authorization).toBe(`Bearer ${providerKey}`);
    expect(JSON.stringify(sent?.headers)).not.toContain(gatewayKey);
    expect((sent?.body as { model?: string } | undefined)?.model).toBe('gpt-4o-mini');
  });

  it('routes an alias and a provider/model prefix to the upstream model id', async () => {
    const before = alpha.requests.length;
    await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'a' }] });
    expect((alpha.requests.at(-1)?.body as { model?: string } | undefined)?.model).toBe('gpt-4o-mini');
    const viaBeta = await client.chat.completions
      .create({ model: 'beta/shared-model', messages: [{ role: 'user', content: 'b' }] })
      .withResponse();
    expect(viaBeta.response.headers.get('x-switchboard-provider')).toBe('beta');
    expect((beta.requests.at(-1)?.body as { model?: string } | undefined)?.model).toBe('shared-model');
    expect(alpha.requests.length).toBe(before + 1);
  });

  it('streams chunk by chunk, with usage only when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'one two three' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
      expect(chunk).not.toHaveProperty('obfuscation');
    }
    expect(text).toBe('Echo: one two three');
    expect(finish).toBe('stop');
    expect(usage?.total_tokens).toBe(11);

    const plain = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of plain) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
    // The gateway asked the upstream for usage even though the client did not.
    expect(
      (alpha.requests.at(-1)?.body as { stream_options?: { include_usage?: boolean } } | undefined)?.stream_options
        ?.include_usage,
    ).toBe(true);
  });

  it('streams tool calls with stable index, id and name first, then argument fragments', async () => {
    const stream = await client.chat.completions.create({
      model: 'beta/llama-3.3-70b',
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      stream: true,
    });
    const deltas: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('tool_calls');
    const firsts = deltas.filter((delta) => delta.id);
    expect(firsts.map((delta) => [delta.index, delta.id, delta.function?.name])).toEqual([
      [0, 'call_A', 'get_weather'],
      [1, 'call_B', 'get_weather'],
    ]);
    const argumentsOf = (index: number) =>
      deltas
        .filter((delta) => delta.index === index)
        .map((delta) => delta.function?.arguments ?? '')
        .join('');
    expect(JSON.parse(argumentsOf(0))).toEqual({ city: 'Oslo' });
    expect(JSON.parse(argumentsOf(1))).toEqual({ city: 'Lima' });
  });

  it('fails over to the next provider when the first fails with a retryable error', async () => {
    alpha.faults.push({ kind: 'status', status: 503 });
    const { data, response } = await client.chat.completions
      .create({ model: 'shared-model', messages: [{ role: 'user', content: 'failover' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Echo: failover');
    expect(response.headers.get('x-switchboard-provider')).toBe('beta');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
  });

  it('returns OpenAI-shaped errors with the right status', async () => {
    await expect(
      client.chat.completions.create({ model: 'gpt-4o-mnii', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
      message: expect.stringContaining("'gpt-4o-mini'"),
    });

    await expect(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [] })).rejects.toMatchObject({
      status: 400,
      param: 'messages',
    });

    const wrongKey = new OpenAI({ baseURL: gateway.baseURL, apiKey: 'sk-wrong-key-000', maxRetries: 0 });
    await expect(wrongKey.models.list()).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });

    alpha.faults.push({
      kind: 'status',
      status: 400,
      body: {
        error: {
          message: "Unsupported parameter: 'max_tokens'",
          type: 'invalid_request_error',
          param: 'max_tokens',
          code: 'unsupported_parameter',
        },
      },
    });
    await expect(
      client.chat.completions.create({ model: 'alpha/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'max_tokens' });
  });

  it('answers malformed JSON and oversized bodies with 400 and 413', async () => {
    const malformed = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gatewayKey}`, 'content-type': 'application/json' },
      body: '{"model": "gpt-4o-mini", "messages": [',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_json', type: 'invalid_request_error' } });

    const huge = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gatewayKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }],
      }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'request_too_large' } });
  });

  it('streams to the client even when the upstream answers a stream request with a whole JSON completion', async () => {
    alpha.faults.push({ kind: 'ignore-stream' });
    const stream = await client.chat.completions.create({
      model: 'alpha/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Whole answer please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Echo: Whole answer please');
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 2 });
  });

  it('answers requests that are not valid HTTP with an OpenAI error body and the status Node would send', async () => {
    const { port } = new URL(gateway.url);
    const oversized = await rawExchange(
      Number(port),
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(oversized).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(oversized.slice(oversized.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'request_headers_too_large', type: 'invalid_request_error' },
    });
    const garbage = await rawExchange(Number(port), 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({
      error: { code: 'malformed_http_request' },
    });
  });

  it('aborts the upstream request when the client goes away mid-stream', async () => {
    alpha.faults.push({ kind: 'stall-mid-stream', afterChunks: 2 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'alpha/gpt-4o-mini', messages: [{ role: 'user', content: 'a b c d e' }], stream: true },
      { signal: controller.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    const socketsWhileStreaming = alpha.openSockets();
    controller.abort();
    // Chunks already buffered may still arrive; then the SDK ends the iteration (or raises the abort).
    await (async () => {
      for (;;) if ((await iterator.next()).done) return;
    })().catch(() => undefined);
    // The gateway closes its upstream socket once the client is gone.
    const deadline = Date.now() + 5_000;
    while (alpha.openSockets() >= socketsWhileStreaming && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(alpha.openSockets()).toBeLessThan(socketsWhileStreaming);
  });

  it('aborts the upstream request when the client goes away before a whole answer', async () => {
    alpha.faults.push({ kind: 'stall-before-headers' });
    const requestsBefore = alpha.requests.length;
    const controller = new AbortController();
    const asked = client.chat.completions.create(
      { model: 'alpha/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] },
      { signal: controller.signal },
    );
    const waitFor = async (done: () => boolean) => {
      const deadline = Date.now() + 2_000;
      while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    // The gateway's upstream request reached the stalled upstream and waits on it.
    await waitFor(() => alpha.requests.length > requestsBefore);
    expect(alpha.requests.length).toBeGreaterThan(requestsBefore);
    const socketsWhileWaiting = alpha.openSockets();
    controller.abort();
    await expect(asked).rejects.toThrow();
    // The gateway closes that upstream socket as soon as the client is gone: within 2 s, where its deadline is 5 s.
    await waitFor(() => alpha.openSockets() < socketsWhileWaiting);
    expect(alpha.openSockets()).toBeLessThan(socketsWhileWaiting);
  });

  it('ends a stream that fails after it started with an error event', async () => {
    alpha.faults.push({ kind: 'drop-mid-stream', afterChunks: 2 });
    const stream = await client.chat.completions.create({
      model: 'alpha/gpt-4o-mini',
      messages: [{ role: 'user', content: 'a b c d e f' }],
      stream: true,
    });
    const read = async () => {
      for await (const _chunk of stream) {
        // drain
      }
    };
    await expect(read()).rejects.toThrow(/ended the stream|stream/i);
  });

  it('never follows an upstream redirect: the key stays home, the answer is a 502 saying where it pointed', async () => {
    const catcher = await startFakeOpenAI({ models: ['gpt-4o-mini'] });
    try {
      const redirect = {
        kind: 'status' as const,
        status: 302,
        body: {},
        headers: { location: `${catcher.baseUrl}/chat/completions?token=secret` },
      };
      alpha.faults.push(redirect, redirect); // the attempt and its retry
      const failure = await client.chat.completions
        .create({ model: 'alpha/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ status: 502, code: 'upstream_redirected' });
      expect((failure as Error).message).toContain(`${catcher.baseUrl}/chat/completions`);
      expect((failure as Error).message).not.toContain('secret');

      // A model two providers serve fails over past the redirecting one.
      alpha.faults.push(redirect);
      const { data, response } = await client.chat.completions
        .create({ model: 'shared-model', messages: [{ role: 'user', content: 'moved' }] })
        .withResponse();
      expect(data.choices[0]?.message.content).toBe('Echo: moved');
      expect(response.headers.get('x-switchboard-provider')).toBe('beta');
      expect(catcher.requests).toEqual([]);
    } finally {
      await catcher.close();
    }
  });
});

/** Sends raw bytes to the gateway and reads everything it answers until it closes the connection. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer in 5 s')));
    socket.on('data', (text: string) => {
      answer += text;
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}
