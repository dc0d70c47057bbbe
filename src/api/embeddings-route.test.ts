import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { silentLogger } from '../app-deps.ts';
import { ModelCatalog } from '../catalog/model-catalog.ts';
import { parseGatewayConfig } from '../config/parse-gateway-config.ts';
import { providerAdapters } from '../providers/provider-adapters.ts';
import { createNodeDeps } from '../runtime/node/create-node-deps.ts';

const gatewayKey = 'sk-gw-embeddings-0001';

type Call = { url: string; body: Record<string, unknown> };
type Answer = (call: Call) => Response;

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** OpenAI-format answers: vector i of input i is [i + 1, -(i + 1) / 2]. */
function openAIEmbeddings(call: Call): Response {
  const input = call.body.input;
  const count =
    typeof input === 'string' || typeof (input as unknown[])[0] === 'number' ? 1 : (input as unknown[]).length;
  return json({
    object: 'list',
    data: Array.from({ length: count }, (_, index) => ({
      object: 'embedding',
      index,
      embedding: [index + 1, -(index + 1) / 2],
    })),
    model: call.body.model,
    usage: { prompt_tokens: 5, total_tokens: 5 },
  });
}

/** A gateway over real adapters and a fake fetch: two OpenAI-format providers and one Gemini provider. */
function gateway(answers: { primary?: Answer } = {}) {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const call: Call = { url, body: typeof init?.body === 'string' ? JSON.parse(init.body) : {} };
    calls.push(call);
    if (url === 'http://primary.test/v1/models') {
      return json({ data: [{ id: 'gpt-4o-mini' }, { id: 'text-embedding-3-small' }] });
    }
    if (url === 'http://backup.test/v1/models') return json({ data: [{ id: 'text-embedding-3-small' }] });
    if (url.startsWith('http://google.test/v1beta/models?')) {
      return json({
        models: [
          { name: 'models/gemini-2.5-flash', supportedGenerationMethods: ['generateContent'] },
          { name: 'models/gemini-embedding-001', supportedGenerationMethods: ['embedContent'] },
        ],
      });
    }
    if (url === 'http://primary.test/v1/embeddings') return (answers.primary ?? openAIEmbeddings)(call);
    if (url === 'http://backup.test/v1/embeddings') return openAIEmbeddings(call);
    if (url === 'http://google.test/v1beta/models/gemini-embedding-001:batchEmbedContents') {
      const requests = call.body.requests as unknown[];
      return json({ embeddings: requests.map((_, index) => ({ values: [index, 0.25] })) });
    }
    return json({ error: { message: `unexpected ${url}` } }, 500);
  }) as typeof globalThis.fetch;
  const config = parseGatewayConfig(
    JSON.stringify({
      auth: { keys: [gatewayKey] },
      providers: [
        { id: 'primary', type: 'openai', baseUrl: 'http://primary.test/v1' },
        { id: 'backup', type: 'openai', baseUrl: 'http://backup.test/v1' },
        { id: 'google', type: 'gemini', baseUrl: 'http://google.test/v1beta' },
        {
          id: 'claude',
          type: 'anthropic',
          baseUrl: 'http://claude.test',
          discover: false,
          models: ['claude-sonnet-4-5', 'voyage-embed-lookalike'],
        },
      ],
      routing: { retries: 0, timeoutMs: 2_000 },
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
  const app = createNodeDeps(config, silentLogger).then((deps) => createApp({ ...deps, catalog, fetch }));
  const post = async (path: string, body: unknown) =>
    (await app).request(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${gatewayKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  return { post, calls };
}

describe('POST /v1/embeddings', () => {
  it('answers floats by default, with the chat headers', async () => {
    const { post, calls } = gateway();
    const response = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-switchboard-provider')).toBe('primary');
    expect(response.headers.get('x-switchboard-attempts')).toBe('1');
    expect(Number(response.headers.get('x-switchboard-overhead-ms'))).toBeGreaterThanOrEqual(0);
    expect(response.headers.get('x-switchboard-usage')).toBeNull();
    expect(await response.json()).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [1, -0.5] },
        { object: 'embedding', index: 1, embedding: [2, -1] },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 5, total_tokens: 5 },
    });
    const upstream = calls.filter((call) => call.url.endsWith('/embeddings'));
    expect(upstream.map((call) => call.body)).toEqual([
      { model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float' },
    ]);
  });

  it('encodes base64 float32 little-endian when asked', async () => {
    const { post } = gateway();
    const response = await post('/v1/embeddings', {
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
      encoding_format: 'base64',
    });
    const body = (await response.json()) as { data: Array<{ embedding: string; index: number }> };
    // [1, -0.5] and [2, -1] as float32 LE.
    expect(body.data).toEqual([
      { object: 'embedding', index: 0, embedding: 'AACAPwAAAL8=' },
      { object: 'embedding', index: 1, embedding: 'AAAAQAAAgL8=' },
    ]);
  });

  it('routes a provider/model id and Gemini batches, flagging the estimated usage', async () => {
    const { post, calls } = gateway();
    const response = await post('/v1/embeddings', {
      model: 'gemini-embedding-001',
      input: ['one', 'two', 'three'],
      dimensions: 2,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchboard-provider')).toBe('google');
    expect(response.headers.get('x-switchboard-usage')).toBe('estimated');
    const body = (await response.json()) as { data: unknown[]; usage: unknown; model: string };
    expect(body.data).toEqual([
      { object: 'embedding', index: 0, embedding: [0, 0.25] },
      { object: 'embedding', index: 1, embedding: [1, 0.25] },
      { object: 'embedding', index: 2, embedding: [2, 0.25] },
    ]);
    expect(body.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    expect(calls.at(-1)?.body).toEqual({
      requests: ['one', 'two', 'three'].map((text) => ({
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text }] },
        outputDimensionality: 2,
      })),
    });

    const prefixed = await post('/v1/embeddings', { model: 'backup/text-embedding-3-small', input: 'x' });
    expect(prefixed.headers.get('x-switchboard-provider')).toBe('backup');
  });

  it('fails over to the next provider of the model on a retryable error', async () => {
    const { post } = gateway({ primary: () => json({ error: { message: 'overloaded' } }, 503) });
    const response = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchboard-provider')).toBe('backup');
    expect(response.headers.get('x-switchboard-attempts')).toBe('2');
  });

  it('passes an upstream 400 through without failing over', async () => {
    const { post, calls } = gateway({
      primary: () =>
        json({ error: { message: 'Bad dimensions', type: 'invalid_request_error', param: 'dimensions' } }, 400),
    });
    const response = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x', dimensions: 9 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('dimensions');
    expect(calls.filter((call) => call.url === 'http://backup.test/v1/embeddings')).toHaveLength(0);
  });

  it('refuses a chat model with a 404 naming the embedding models', async () => {
    const { post } = gateway();
    const response = await post('/v1/embeddings', { model: 'gpt-4o-mini', input: 'x' });
    expect(response.status).toBe(404);
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ code: 'model_not_supported', param: 'model', type: 'invalid_request_error' });
    expect(error.message).toContain("The model 'gpt-4o-mini' is a chat model");
    expect(error.message).toContain("'text-embedding-3-small'");
    expect(error.message).toContain("'gemini-embedding-001'");
  });

  it('refuses unknown models, formats that do not embed, token input to Gemini and invalid fields', async () => {
    const { post } = gateway();
    const unknown = await post('/v1/embeddings', { model: 'text-embeding-3-small', input: 'x' });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('model_not_found');

    const anthropic = await post('/v1/embeddings', { model: 'voyage-embed-lookalike', input: 'x' });
    expect(anthropic.status).toBe(404);
    expect(((await anthropic.json()) as { error: { message: string } }).error.message).toContain('(anthropic)');

    const tokens = await post('/v1/embeddings', { model: 'gemini-embedding-001', input: [[1, 2]] });
    expect(tokens.status).toBe(400);
    expect(((await tokens.json()) as { error: { param: string } }).error.param).toBe('input');

    const invalid = await post('/v1/embeddings', { model: 'text-embedding-3-small', input: 'x', dimensions: -1 });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { param: string } }).error.param).toBe('dimensions');
  });
});

describe('POST /v1/chat/completions with an embedding model', () => {
  it('is a 404 that points to /v1/embeddings', async () => {
    const { post } = gateway();
    const response = await post('/v1/chat/completions', {
      model: 'text-embedding-3-small',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.status).toBe(404);
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ code: 'model_not_supported', param: 'model' });
    expect(error.message).toBe(
      "The model 'text-embedding-3-small' is an embedding model; it does not chat. Send it to POST /v1/embeddings instead.",
    );
  });
});
