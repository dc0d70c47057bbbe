import { describe, expect, it } from 'vitest';
import type { AdapterContext, ProviderDefinition } from '../provider-adapter.ts';
import { geminiAdapter } from './gemini-adapter.ts';

const provider: ProviderDefinition = {
  id: 'google',
  type: 'gemini',
  baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  apiKey: 'AIzaSy-test-key',
  headers: { 'x-team': 'search' },
  models: [],
  aliases: {},
  discover: true,
  source: 'config',
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

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=UTF-8' } });

/** What batchEmbedContents answers: one `values` per request, in request order (wire-formats §3.2). */
function batchAnswer(call: Call): Response {
  const requests = (call.body as { requests: Array<{ content: { parts: Array<{ text: string }> } }> }).requests;
  return json({
    embeddings: requests.map((request) => ({ values: [request.content.parts[0]?.text.length ?? 0, 0.5] })),
  });
}

const embed = geminiAdapter.embeddings as NonNullable<typeof geminiAdapter.embeddings>;

describe('geminiAdapter.embeddings', () => {
  it('embeds one text with :embedContent, the key in x-goog-api-key, dimensions as outputDimensionality', async () => {
    const { fetch, calls } = fakeFetch(() => json({ embedding: { values: [0.1, -0.2, 0.3] } }));
    const result = await embed(
      provider,
      { model: 'gemini-embedding-001', input: 'hello world', dimensions: 3, encoding_format: 'base64', user: 'u' },
      context(fetch),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:embedContent',
    );
    expect(calls[0]?.method).toBe('POST');
    expect(Object.fromEntries(calls[0]?.headers ?? [])).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
      'x-goog-api-key': 'AIzaSy-test-key',
      'x-team': 'search',
    });
    expect(calls[0]?.body).toEqual({ content: { parts: [{ text: 'hello world' }] }, outputDimensionality: 3 });
    expect(result.response).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2, 0.3] }],
      model: 'gemini-embedding-001',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    expect(result.usageEstimated).toBe(true);
  });

  it('embeds several texts in one :batchEmbedContents call, in order', async () => {
    const { fetch, calls } = fakeFetch(batchAnswer);
    const result = await embed(
      provider,
      { model: 'models/text-embedding-004', input: ['a', 'bbb', 'cc'] },
      context(fetch),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:batchEmbedContents',
    );
    expect(calls[0]?.body).toEqual({
      requests: [
        { model: 'models/text-embedding-004', content: { parts: [{ text: 'a' }] } },
        { model: 'models/text-embedding-004', content: { parts: [{ text: 'bbb' }] } },
        { model: 'models/text-embedding-004', content: { parts: [{ text: 'cc' }] } },
      ],
    });
    expect(result.response.data).toEqual([
      { object: 'embedding', index: 0, embedding: [1, 0.5] },
      { object: 'embedding', index: 1, embedding: [3, 0.5] },
      { object: 'embedding', index: 2, embedding: [2, 0.5] },
    ]);
    expect(result.response.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it('splits more than 100 texts into batches of 100 and joins them in order', async () => {
    const { fetch, calls } = fakeFetch(batchAnswer);
    const input = Array.from({ length: 230 }, (_, index) => 'x'.repeat(index + 1));
    const result = await embed(provider, { model: 'gemini-embedding-001', input, dimensions: 2 }, context(fetch));
    expect(calls.map((call) => (call.body as { requests: unknown[] }).requests.length)).toEqual([100, 100, 30]);
    expect((calls[0]?.body as { requests: Array<Record<string, unknown>> } | undefined)?.requests[0]).toEqual({
      model: 'models/gemini-embedding-001',
      content: { parts: [{ text: 'x' }] },
      outputDimensionality: 2,
    });
    expect(result.response.data).toHaveLength(230);
    expect(result.response.data.map((item) => item.index)).toEqual(input.map((_, index) => index));
    expect(result.response.data.map((item) => item.embedding[0])).toEqual(input.map((text) => text.length));
  });

  it('uses token counts when the answer reports them', async () => {
    const { fetch } = fakeFetch(() => json({ embedding: { values: [1] }, usageMetadata: { promptTokenCount: 7 } }));
    const result = await embed(provider, { model: 'gemini-embedding-001', input: 'x' }, context(fetch));
    expect(result.response.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    expect(result.usageEstimated).toBeUndefined();
  });

  it('refuses token input with a 400 before calling upstream', async () => {
    const { fetch, calls } = fakeFetch(batchAnswer);
    await expect(
      embed(provider, { model: 'gemini-embedding-001', input: [1, 2, 3] }, context(fetch)),
    ).rejects.toMatchObject({
      status: 400,
      param: 'input',
      code: 'unsupported_input',
      isRetryable: false,
    });
    expect(calls).toHaveLength(0);
  });

  it('maps Google errors (an invalid key is a 401) and refuses answers with the wrong count', async () => {
    const denied = fakeFetch(() =>
      json(
        {
          error: {
            code: 400,
            message: 'API key not valid. Please pass a valid API key.',
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
          },
        },
        400,
      ),
    );
    await expect(
      embed(provider, { model: 'gemini-embedding-001', input: 'x' }, context(denied.fetch)),
    ).rejects.toMatchObject({
      status: 401,
      provider: 'google',
    });
    const short = fakeFetch(() => json({ embeddings: [{ values: [1] }] }));
    await expect(
      embed(provider, { model: 'gemini-embedding-001', input: ['a', 'b'] }, context(short.fetch)),
    ).rejects.toMatchObject({ status: 502, code: 'invalid_upstream_response', isRetryable: true });
  });
});
