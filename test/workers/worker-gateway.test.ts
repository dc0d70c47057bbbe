import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../../src/runtime/workers/worker.ts';

/**
 * The gateway as a Worker in real workerd, configured from vars and secrets (see start-fake-upstream.ts), calling a
 * fake OpenAI upstream on 127.0.0.1. `exports.default.fetch` goes through the runtime like a deployed request does;
 * configs other than the bound one call the Worker's fetch handler with their own env.
 */
const gatewayKey = env.SWITCHBOARD_API_KEYS.split(',')[0].trim();
const origin = 'http://gateway.test';

function call(path: string, init: RequestInit & { key?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set('authorization', `Bearer ${init.key ?? gatewayKey}`);
  return exports.default.fetch(
    new Request(`${origin}${path}`, { ...init, headers, signal: AbortSignal.timeout(10_000) }),
  );
}

function chat(body: unknown): Promise<Response> {
  return call('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Calls the fetch handler with a modified env, waiting for its background work. */
async function callWithEnv(overrides: Record<string, string | undefined>, path = '/v1/models'): Promise<Response> {
  const context = createExecutionContext();
  const request = new Request(`${origin}${path}`, { headers: { authorization: `Bearer ${gatewayKey}` } });
  const response = await worker.fetch(request, { ...env, ...overrides }, context);
  await waitOnExecutionContext(context);
  return response;
}

describe('the gateway as a Cloudflare Worker', () => {
  it('answers GET /health without a key', async () => {
    const response = await call('/health', { key: null });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('lists the models discovered from the upstream on the first request, with aliases and provider/model ids', async () => {
    const response = await call('/v1/models');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { object: string; data: Array<{ id: string; object: string }> };
    expect(body.object).toBe('list');
    const ids = body.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['gpt-4o-mini', 'gpt-4o', 'fast', 'fake/gpt-4o']));
  });

  it('reports the catalog ready once loaded', async () => {
    await call('/v1/models');
    const response = await call('/health/ready', { key: null });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready', providers: [{ id: 'fake', state: 'ok' }] });
  });

  it('answers a chat completion through the upstream, with the upstream key from a secret', async () => {
    const response = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello worker' }] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      object: string;
      model: string;
      choices: Array<{ message: { role: string; content: string }; finish_reason: string }>;
      usage: { total_tokens: number };
    };
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message).toMatchObject({ role: 'assistant', content: 'Echo: hello worker' });
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.usage.total_tokens).toBe(11);
  });

  it('resolves a configured alias to its upstream model', async () => {
    const response = await chat({ model: 'fast', messages: [{ role: 'user', content: 'alias' }] });
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content,
    ).toBe('Echo: alias');
  });

  it('streams chunks as they arrive and ends with [DONE]', async () => {
    const started = Date.now();
    const response = await chat({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'one two three four five' }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let firstContentAt: number | undefined;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += value;
      if (firstContentAt === undefined && text.includes('"content":"Echo')) firstContentAt = Date.now();
    }
    const finishedAt = Date.now();
    const events = text
      .split(/\r?\n\r?\n/)
      .map((event) => event.trim())
      .filter((event) => event.startsWith('data: '))
      .map((event) => event.slice('data: '.length));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event) as Record<string, unknown>);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    const content = chunks
      .flatMap((chunk) =>
        (chunk.choices as Array<{ delta: { content?: string } }>).map((choice) => choice.delta.content),
      )
      .filter((piece) => piece !== undefined)
      .join('');
    expect(content).toBe('Echo: one two three four five');
    expect(chunks.some((chunk) => (chunk.usage as { total_tokens?: number } | null)?.total_tokens === 11)).toBe(true);
    // The upstream spaces its chunks 40 ms apart: a buffered stream would deliver the first one only at the end.
    expect(firstContentAt).toBeDefined();
    expect(finishedAt - (firstContentAt as number)).toBeGreaterThanOrEqual(100);
    expect(finishedAt - started).toBeLessThan(10_000);
  });

  it('refuses /v1 requests without a gateway key, or with a wrong one', async () => {
    for (const key of [null, 'sk-wrong']) {
      const response = await call('/v1/models', { key });
      expect(response.status).toBe(401);
      const body = (await response.json()) as { error: { type: string } };
      expect(body.error.type).toBe('authentication_error');
    }
  });

  it('accepts every key of SWITCHBOARD_API_KEYS', async () => {
    const response = await call('/v1/models', { key: 'sk-gw-workers-b' });
    expect(response.status).toBe(200);
  });

  it('answers an unknown model with a 404 in the OpenAI error shape', async () => {
    const response = await chat({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { message: string; type: string; param: unknown; code: unknown } };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error.message).toContain('no-such-model');
  });

  it('answers malformed JSON with a 400', async () => {
    const response = await call('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": "gpt-4o-mini", "messages": [',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { type: string } };
    expect(body.error.type).toBe('invalid_request_error');
  });
});

describe('the Worker with other vars', () => {
  it('answers every request with a 500 naming the problem when the config is invalid', async () => {
    for (const path of ['/health', '/v1/models']) {
      const response = await callWithEnv(
        { SWITCHBOARD_CONFIG: 'providers:\n  - id: broken\n    type: carrier-pigeon\n' },
        path,
      );
      expect(response.status).toBe(500);
      const body = (await response.json()) as { error: { message: string; type: string; code: string } };
      expect(body.error).toMatchObject({ type: 'server_error', code: 'config_error' });
      expect(body.error.message).toContain('providers[0].type');
      expect(body.error.message).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });

  it('names a ${VAR} the config needs but no var or secret sets', async () => {
    const response = await callWithEnv({ FAKE_OPENAI_KEY: undefined });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('FAKE_OPENAI_KEY');
  });

  it('refuses to serve without any gateway key unless auth.open is set', async () => {
    const closed = await callWithEnv({ SWITCHBOARD_API_KEYS: undefined });
    expect(closed.status).toBe(500);
    expect(((await closed.json()) as { error: { message: string } }).error.message).toContain('auth.keys');

    const open = await callWithEnv({
      SWITCHBOARD_API_KEYS: undefined,
      SWITCHBOARD_CONFIG: `${env.SWITCHBOARD_CONFIG}\nauth:\n  open: true\n`,
    });
    expect(open.status).toBe(200);
  });

  it('configures itself from provider key secrets when there is no config var', async () => {
    const response = await callWithEnv({ SWITCHBOARD_CONFIG: undefined, OPENAI_API_KEY: 'sk-unused' }, '/health/ready');
    const body = (await response.json()) as { providers: Array<{ id: string }> };
    // No local servers are probed on Workers: the only provider comes from the key.
    expect(body.providers.map((provider) => provider.id)).toEqual(['openai']);
  });
});

describe('the Worker right after a rebuild', () => {
  it('serves parallel first requests from one catalog load', async () => {
    // The tests above rebuilt the gateway for other vars: the bound vars now build it afresh, catalog not yet loaded.
    await callWithEnv({ SWITCHBOARD_CONFIG: `${env.SWITCHBOARD_CONFIG}\n# another build\n` });
    const responses = await Promise.all([
      call('/v1/models'),
      chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'parallel' }] }),
      chat({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'parallel stream' }] }),
      call('/v1/models'),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
    expect(await responses[2].text()).toContain('data: [DONE]');
  });
});
