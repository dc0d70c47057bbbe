import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.ts';
import type { AdapterContext, ProviderDefinition } from '../provider-adapter.ts';
import { openAIAdapter } from './openai-adapter.ts';

const openai: ProviderDefinition = {
  id: 'openai',
  type: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  apiKey: 'sk-upstream-1',
  headers: { 'openai-organization': 'org-1' },
  models: [],
  aliases: {},
  discover: true,
  source: 'config',
};
const azure: ProviderDefinition = {
  ...openai,
  id: 'azure',
  baseUrl: 'https://acme.openai.azure.com',
  apiKey: 'azure-key-1',
  headers: {},
  azure: { apiVersion: '2024-10-21' },
};

type Call = { url: string; method: string; headers: Headers; body: unknown };

function fakeFetch(answer: (call: Call) => Response) {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const call: Call = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    return answer(call);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const context = (fetch: typeof globalThis.fetch): AdapterContext => ({
  fetch,
  signal: new AbortController().signal,
  now: () => 1_730_000_000_000,
  generateId: (prefix) => `${prefix}1`,
});

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** The shape of a real answer (wire-formats §3.1). */
const answer = {
  object: 'list',
  data: [
    { object: 'embedding', index: 0, embedding: [0.0123, -0.0456] },
    { object: 'embedding', index: 1, embedding: [0.5, 0.25] },
  ],
  model: 'text-embedding-3-small',
  usage: { prompt_tokens: 4, total_tokens: 4 },
};

const embed = openAIAdapter.embeddings as NonNullable<typeof openAIAdapter.embeddings>;

describe('openAIAdapter.embeddings', () => {
  it('posts to /embeddings with the key, asking for floats whatever the client wants, extras passed on', async () => {
    const { fetch, calls } = fakeFetch(() => json(answer));
    const result = await embed(
      openai,
      {
        model: 'text-embedding-3-small',
        input: ['a', 'b'],
        encoding_format: 'base64',
        dimensions: 2,
        user: 'u-1',
        input_type: 'query',
      },
      context(fetch),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('https://api.openai.com/v1/embeddings');
    expect(calls[0]?.method).toBe('POST');
    expect(Object.fromEntries(calls[0]?.headers ?? [])).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
      authorization: 'Bearer sk-upstream-1',
      'openai-organization': 'org-1',
    });
    expect(calls[0]?.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
      encoding_format: 'float',
      dimensions: 2,
      user: 'u-1',
      input_type: 'query',
    });
    expect(result.response).toEqual(answer);
    expect(result.usageEstimated).toBeUndefined();
  });

  it('passes token input through unchanged', async () => {
    const { fetch, calls } = fakeFetch(() => json({ ...answer, data: [answer.data[0]] }));
    await embed(openai, { model: 'text-embedding-3-small', input: [[1, 2, 3]] }, context(fetch));
    expect(calls[0]?.body).toEqual({ model: 'text-embedding-3-small', input: [[1, 2, 3]], encoding_format: 'float' });
  });

  it('addresses an Azure deployment with api-key, and the v1 surface by model', async () => {
    const { fetch, calls } = fakeFetch(() => json({ ...answer, data: [answer.data[0]] }));
    await embed(azure, { model: 'my-embedder', input: 'x' }, context(fetch));
    expect(calls[0]?.url).toBe(
      'https://acme.openai.azure.com/openai/deployments/my-embedder/embeddings?api-version=2024-10-21',
    );
    expect(calls[0]?.headers.get('api-key')).toBe('azure-key-1');
    expect(calls[0]?.headers.has('authorization')).toBe(false);

    await embed({ ...azure, azure: { apiVersion: 'v1' } }, { model: 'my-embedder', input: 'x' }, context(fetch));
    expect(calls[1]?.url).toBe('https://acme.openai.azure.com/openai/v1/embeddings');
    expect((calls[1]?.body as { model: string } | undefined)?.model).toBe('my-embedder');
  });

  it('orders vectors by index, decodes a base64 answer and estimates missing usage', async () => {
    const { fetch } = fakeFetch(() =>
      json({
        object: 'list',
        data: [
          { object: 'embedding', index: 1, embedding: 'AACAPwAAAMA=' },
          { object: 'embedding', index: 0, embedding: [0.5] },
        ],
      }),
    );
    const result = await embed(openai, { model: 'nomic-embed-text', input: ['abcdefgh', 'b'] }, context(fetch));
    expect(result.response).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5] },
        { object: 'embedding', index: 1, embedding: [1, -2] },
      ],
      model: 'nomic-embed-text',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    expect(result.usageEstimated).toBe(true);
  });

  it('refuses answers that do not hold one vector per input with a retryable 502', async () => {
    const { fetch } = fakeFetch(() => json(answer));
    await expect(embed(openai, { model: 'm', input: 'only one' }, context(fetch))).rejects.toMatchObject({
      status: 502,
      code: 'invalid_upstream_response',
      isRetryable: true,
      message: "Provider 'openai' returned an embeddings answer with 2 vectors for 1 inputs.",
    });
    const broken = fakeFetch(() => new Response('<html>', { status: 200 }));
    await expect(embed(openai, { model: 'm', input: 'x' }, context(broken.fetch))).rejects.toMatchObject({
      status: 502,
      code: 'invalid_upstream_response',
    });
  });

  it('maps upstream errors through the OpenAI error mapper', async () => {
    const { fetch } = fakeFetch(() =>
      json(
        {
          error: {
            message: 'This model does not support specifying dimensions.',
            type: 'invalid_request_error',
            param: 'dimensions',
            code: null,
          },
        },
        400,
      ),
    );
    const error = await embed(
      openai,
      { model: 'text-embedding-ada-002', input: 'x', dimensions: 8 },
      context(fetch),
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 400, param: 'dimensions', isRetryable: false, provider: 'openai' });

    const limited = fakeFetch(() =>
      json({ error: { message: 'Slow down', type: 'requests' } }, 429, { 'retry-after': '2' }),
    );
    await expect(embed(openai, { model: 'm', input: 'x' }, context(limited.fetch))).rejects.toMatchObject({
      status: 429,
      isRetryable: true,
      retryAfterMs: 2000,
    });
  });
});
