import { describe, expect, it } from 'vitest';
import { offlineDeps } from '../test/support/offline-deps.ts';
import { createApp } from './app.ts';
import type { Logger } from './app-deps.ts';
import type { ChatCompletion, ChatRequest } from './canonical/index.ts';
import { GatewayError } from './canonical/index.ts';
import { parseGatewayConfig } from './config/parse-gateway-config.ts';
import type { ProviderAdapter } from './providers/provider-adapter.ts';

const gatewayKey = 'sk-gw-app-test-0001';

type Behaviour = (request: ChatRequest) => ChatCompletion | Promise<ChatCompletion>;

function completion(request: ChatRequest, content = 'hi'): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: request.model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  };
}

/** A gateway over a fake OpenAI-format adapter; nothing leaves the process. */
function gateway(options: { keys?: string[]; bodyLimitBytes?: number; behaviour?: Behaviour; load?: boolean } = {}) {
  const logged: Array<{ event: string; fields?: Record<string, unknown> }> = [];
  const logger: Logger = {
    info: () => undefined,
    warn: (event, fields) => logged.push({ event, fields }),
    error: (event, fields) => logged.push({ event, fields }),
  };
  const seen: ChatRequest[] = [];
  const adapter: ProviderAdapter = {
    format: 'openai',
    listModels: async (provider) =>
      provider.id === 'fake' ? [{ id: 'gpt-4o-mini' }, { id: 'meta-llama/Llama-3.3-70B' }] : [],
    async chatCompletion(_provider, request) {
      seen.push(request);
      const response = await (options.behaviour ?? completion)(request);
      return { stream: false, response, headers: new Headers() };
    },
  };
  const config = parseGatewayConfig(
    JSON.stringify({
      auth: { keys: options.keys ?? [gatewayKey] },
      providers: [
        {
          id: 'fake',
          type: 'openai',
          baseUrl: 'http://127.0.0.1:9/v1',
          models: [{ id: 'fast', model: 'gpt-4o-mini' }],
        },
      ],
      server: { bodyLimitBytes: options.bodyLimitBytes ?? 4096, corsOrigins: ['*'] },
      routing: { retries: 0, timeoutMs: 2_000 },
    }),
    {},
  );
  const deps = offlineDeps(config, adapter, { logger });
  return { app: createApp(deps), catalog: deps.catalog, logged, seen };
}

const authorized = { authorization: `Bearer ${gatewayKey}` };
const chatBody = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });

function post(body: BodyInit, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', body, headers: { 'content-type': 'application/json', ...authorized, ...headers } };
}

async function errorOf(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await response.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return body.error;
}

describe('auth', () => {
  it('accepts Authorization: Bearer and x-api-key', async () => {
    const { app } = gateway();
    expect((await app.request('/v1/models', { headers: authorized })).status).toBe(200);
    expect((await app.request('/v1/models', { headers: { authorization: `bearer   ${gatewayKey}` } })).status).toBe(
      200,
    );
    expect((await app.request('/v1/models', { headers: { 'x-api-key': gatewayKey } })).status).toBe(200);
  });

  it('401 with the OpenAI error shape: missing key, then wrong key', async () => {
    const { app } = gateway();
    const missing = await app.request('/v1/models');
    expect(missing.status).toBe(401);
    expect(await errorOf(missing)).toMatchObject({ type: 'authentication_error', code: 'missing_api_key' });
    const wrong = await app.request('/v1/models', { headers: { authorization: `Bearer ${gatewayKey}x` } });
    expect(wrong.status).toBe(401);
    expect(await errorOf(wrong)).toEqual({
      message: 'The API key is not valid for this gateway.',
      type: 'authentication_error',
      param: null,
      code: 'invalid_api_key',
    });
    const prefix = await app.request('/v1/models', { headers: { 'x-api-key': gatewayKey.slice(0, -1) } });
    expect(prefix.status).toBe(401);
  });

  it('is open when no key is configured; health never needs one', async () => {
    expect((await gateway({ keys: [] }).app.request('/v1/models')).status).toBe(200);
    expect((await gateway().app.request('/health')).status).toBe(200);
  });
});

describe('CORS', () => {
  it('answers a preflight before auth, naming Authorization and reflecting x-stainless-* headers', async () => {
    const { app } = gateway();
    const response = await app.request('/v1/chat/completions', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-stainless-os, x-stainless-retry-count',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'x-stainless-os', 'x-stainless-retry-count']),
    );
  });

  it('a preflight without requested headers still allows authorization', async () => {
    const response = await gateway().app.request('/v1/models', {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
    });
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('exposes the gateway headers on actual responses, errors included', async () => {
    const { app } = gateway();
    const ok = await app.request('/v1/models', { headers: { ...authorized, origin: 'https://app.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(ok.headers.get('access-control-expose-headers')).toContain('x-request-id');
    const denied = await app.request('/v1/models', { headers: { origin: 'https://app.example' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('request id', () => {
  it('echoes a sane x-request-id and generates one otherwise, on errors too', async () => {
    const { app } = gateway();
    const echoed = await app.request('/health', { headers: { 'x-request-id': 'client-req.42:a_b' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-req.42:a_b');
    const generated = await app.request('/health');
    expect(generated.headers.get('x-request-id')).toMatch(/^req_/);
    const replaced = await app.request('/health', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^req_/);
    const failed = await app.request('/v1/models', { headers: { 'x-request-id': 'on-error-1' } });
    expect(failed.status).toBe(401);
    expect(failed.headers.get('x-request-id')).toBe('on-error-1');
  });
});

describe('request bodies', () => {
  it('413 from a declared content-length over the limit', async () => {
    const { app, seen } = gateway({ bodyLimitBytes: 1024 });
    const response = await app.request('/v1/chat/completions', post(chatBody, { 'content-length': '5000' }));
    expect(response.status).toBe(413);
    expect(await errorOf(response)).toMatchObject({ code: 'request_too_large' });
    expect(seen).toEqual([]);
  });

  it('413 from a chunked body that grows over the limit', async () => {
    const { app, seen } = gateway({ bodyLimitBytes: 1024 });
    const piece = new TextEncoder().encode('x'.repeat(300));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(piece);
        else controller.close();
      },
    });
    const response = await app.request('/v1/chat/completions', { ...post(body), duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
    expect(seen).toEqual([]);
  });

  it('400 for malformed JSON and for an empty body', async () => {
    const { app } = gateway();
    const malformed = await app.request('/v1/chat/completions', post('{"model": "gpt-4o-mini",'));
    expect(malformed.status).toBe(400);
    expect(await errorOf(malformed)).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
    const empty = await app.request('/v1/chat/completions', post(''));
    expect(empty.status).toBe(400);
  });

  it('400 naming the invalid field', async () => {
    const { app } = gateway();
    const response = await app.request(
      '/v1/chat/completions',
      post(JSON.stringify({ model: 'gpt-4o-mini', messages: 'hello' })),
    );
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.param).toBe('messages');
    expect(error.message).toContain("'messages'");
  });
});

describe('chat completions', () => {
  it('routes to the provider and answers in the OpenAI format', async () => {
    const { app, seen } = gateway();
    const response = await app.request('/v1/chat/completions', post(chatBody));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchboard-provider')).toBe('fake');
    expect(response.headers.get('x-switchboard-attempts')).toBe('1');
    expect(await response.json()).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini' });
    expect(seen[0]?.model).toBe('gpt-4o-mini');
  });

  it('sends the upstream id for an alias and a provider/model id', async () => {
    const { app, seen } = gateway();
    await app.request('/v1/chat/completions', post(JSON.stringify({ ...JSON.parse(chatBody), model: 'fast' })));
    await app.request(
      '/v1/chat/completions',
      post(JSON.stringify({ ...JSON.parse(chatBody), model: 'fake/meta-llama/Llama-3.3-70B' })),
    );
    expect(seen.map((request) => request.model)).toEqual(['gpt-4o-mini', 'meta-llama/Llama-3.3-70B']);
  });

  it('404 for an unknown model, naming the closest ids', async () => {
    const { app } = gateway();
    const response = await app.request(
      '/v1/chat/completions',
      post(JSON.stringify({ ...JSON.parse(chatBody), model: 'gpt-4o-mni' })),
    );
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect(error.message).toContain("'gpt-4o-mini'");
  });

  it('an upstream GatewayError keeps its status and provider header', async () => {
    const { app } = gateway({
      behaviour: () => {
        throw new GatewayError({ status: 429, message: 'slow down', provider: 'fake', retryAfterMs: 2_500 });
      },
    });
    const response = await app.request('/v1/chat/completions', post(chatBody));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.get('x-switchboard-provider')).toBe('fake');
    expect(await errorOf(response)).toMatchObject({ type: 'rate_limit_error', message: 'slow down' });
  });

  it('anything else thrown inside becomes a plain 500 without the stack, and is logged', async () => {
    const { app, logged } = gateway({
      behaviour: () => {
        throw new TypeError('Cannot read properties of undefined (secret internals)');
      },
    });
    const response = await app.request('/v1/chat/completions', post(chatBody, { 'x-request-id': 'trace-500' }));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret internals');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    expect(JSON.parse(text)).toEqual({
      error: {
        message: 'The gateway failed to handle this request.',
        type: 'server_error',
        param: null,
        code: 'internal_error',
      },
    });
    expect(logged).toMatchObject([{ event: 'unhandled_error', fields: { requestId: 'trace-500' } }]);
  });
});

describe('endpoints', () => {
  it('an unknown path is a 404 in the OpenAI error shape', async () => {
    const { app } = gateway();
    for (const path of ['/nope', '/v1/nope']) {
      const response = await app.request(path, { headers: authorized });
      expect(response.status).toBe(404);
      expect(await errorOf(response)).toMatchObject({ code: 'not_found' });
    }
  });

  it('health answers, ready is 503 until the catalog is loaded', async () => {
    const { app, catalog } = gateway();
    expect(await (await app.request('/health')).json()).toEqual({ status: 'ok' });
    const loading = await app.request('/health/ready');
    expect(loading.status).toBe(503);
    expect(await loading.json()).toMatchObject({ status: 'loading', providers: [{ id: 'fake', state: 'pending' }] });
    await catalog.load();
    const ready = await app.request('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      models: 6,
      stateStore: 'ok',
      providers: [{ id: 'fake', state: 'ok', models: 2 }],
    });
  });

  it('GET /v1/models lists bare ids then provider/model ids', async () => {
    const { app } = gateway();
    const body = (await (await app.request('/v1/models', { headers: authorized })).json()) as {
      object: string;
      data: Array<{ id: string; object: string; owned_by: string; created: number }>;
    };
    expect(body.object).toBe('list');
    expect(body.data.map((model) => model.id)).toEqual([
      'gpt-4o-mini',
      'meta-llama/Llama-3.3-70B',
      'fast',
      'fake/gpt-4o-mini',
      'fake/meta-llama/Llama-3.3-70B',
      'fake/fast',
    ]);
    expect(body.data[0]).toMatchObject({ object: 'model', owned_by: 'fake' });
    expect(typeof body.data[0]?.created).toBe('number');
  });

  it('GET /v1/models/{id} takes ids with slashes; unknown ids are 404', async () => {
    const { app } = gateway();
    for (const id of ['gpt-4o-mini', 'meta-llama/Llama-3.3-70B', 'fake/meta-llama/Llama-3.3-70B']) {
      const response = await app.request(`/v1/models/${id}`, { headers: authorized });
      expect(response.status, id).toBe(200);
      expect(await response.json()).toMatchObject({ id, object: 'model' });
    }
    const missing = await app.request('/v1/models/not-a-model', { headers: authorized });
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({ code: 'model_not_found', param: 'model' });
  });
});
