import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEmbeddings, fakeVector, startFakeEmbeddings } from '../fakes/fake-embeddings-server.ts';
import { type FakeGemini, fakeGeminiVector, startFakeGemini } from '../fakes/fake-gemini-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

const gatewayKey = 'sk-gw-embeddings-e2e-01';
const upstreamKey = 'sk-upstream-vectors-01';
const googleKey = 'AIzaSy-fake-embeddings';

type Exchange = { requestBody: unknown; responseText: string };

describe('the real openai SDK creating embeddings through the spawned gateway', () => {
  let vectors: FakeEmbeddings;
  let gemini: FakeGemini;
  let gateway: SpawnedGateway;
  let client: OpenAI;
  /** What the SDK put on the wire and got back, to check the base64 path end to end. */
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    vectors = await startFakeEmbeddings({ apiKey: upstreamKey, models: ['text-embedding-3-small', 'gpt-4o-mini'] });
    gemini = await startFakeGemini({ apiKey: googleKey });
    gateway = await spawnGateway({
      config: `
auth:
  keys: ["${gatewayKey}"]
providers:
  - id: vectors
    type: openai
    baseUrl: ${vectors.baseUrl}
    apiKey: ${upstreamKey}
  - id: google
    type: gemini
    baseUrl: ${gemini.baseUrl}
    apiKey: ${googleKey}
routing:
  retries: 0
  timeoutMs: 5000
`,
    });
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      exchanges.push({
        requestBody: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
        responseText: await response.clone().text(),
      });
      return response;
    };
    client = new OpenAI({
      baseURL: gateway.baseURL,
      apiKey: gatewayKey,
      maxRetries: 0,
      timeout: 10_000,
      fetch: recordingFetch,
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await vectors?.close();
    await gemini?.close();
  });

  it('with default settings: base64 on the wire, decoded by the SDK to the upstream floats', async () => {
    const before = vectors.requests.length;
    const { data: result, response } = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'The quick brown fox' })
      .withResponse();
    expect(result.data).toHaveLength(1);
    expect(result.data[0]?.index).toBe(0);
    expect(result.data[0]?.embedding).toEqual(fakeVector('The quick brown fox', 8));
    expect(result.model).toBe('text-embedding-3-small');
    expect(result.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
    expect(response.headers.get('x-switchboard-provider')).toBe('vectors');
    expect(response.headers.get('x-switchboard-attempts')).toBe('1');
    expect(Number(response.headers.get('x-switchboard-overhead-ms'))).toBeGreaterThanOrEqual(0);

    const exchange = exchanges.at(-1) as Exchange;
    expect((exchange.requestBody as { encoding_format?: string }).encoding_format).toBe('base64');
    expect(
      typeof (JSON.parse(exchange.responseText) as { data: Array<{ embedding: unknown }> }).data[0]?.embedding,
    ).toBe('string');
    // The gateway asked the upstream for floats, with its own key and never the client's.
    const upstream = vectors.requests.slice(before).find((request) => request.path === '/v1/embeddings');
    expect(upstream?.body).toEqual({
      model: 'text-embedding-3-small',
      input: 'The quick brown fox',
      encoding_format: 'float',
    });
    expect(upstream?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
    expect(JSON.stringify(upstream?.headers)).not.toContain(gatewayKey);
  });

  it('passes dimensions, batches in order, and answers floats when asked for floats', async () => {
    const input = ['alpha', 'beta', 'gamma delta'];
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input, dimensions: 3 });
    expect(result.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(result.data.map((item) => item.embedding)).toEqual(input.map((text) => fakeVector(text, 3)));
    expect(vectors.requests.at(-1)?.body).toEqual({
      model: 'text-embedding-3-small',
      input,
      dimensions: 3,
      encoding_format: 'float',
    });

    const floats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: [
        [1, 2, 3],
        [40, 2],
      ],
      encoding_format: 'float',
    });
    expect(typeof JSON.parse((exchanges.at(-1) as Exchange).responseText).data[0].embedding[0]).toBe('number');
    expect(floats.data.map((item) => item.embedding)).toEqual([fakeVector([1, 2, 3], 8), fakeVector([40, 2], 8)]);
  });

  it('embeds with Gemini: one text by embedContent, several by batchEmbedContents', async () => {
    const one = await client.embeddings
      .create({ model: 'gemini-embedding-001', input: 'hello gemini', dimensions: 6 })
      .withResponse();
    expect(one.data.data[0]?.embedding).toEqual(fakeGeminiVector('hello gemini', 6));
    expect(one.response.headers.get('x-switchboard-provider')).toBe('google');
    expect(one.response.headers.get('x-switchboard-usage')).toBe('estimated');
    expect(one.data.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    const single = gemini.requests.at(-1);
    expect(single?.action).toBe('embedContent');
    expect(single?.headers['x-goog-api-key']).toBe(googleKey);

    const input = ['a', 'bb', 'ccc', 'dddd'];
    const many = await client.embeddings.create({ model: 'google/gemini-embedding-001', input });
    expect(many.data.map((item) => item.index)).toEqual([0, 1, 2, 3]);
    expect(many.data.map((item) => item.embedding)).toEqual(input.map((text) => fakeGeminiVector(text)));
    const batch = gemini.requests.at(-1);
    expect(batch?.action).toBe('batchEmbedContents');
    expect((batch?.body as { requests?: unknown[] } | undefined)?.requests).toHaveLength(4);

    await expect(client.embeddings.create({ model: 'gemini-embedding-001', input: [1, 2, 3] })).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
  });

  it('routes each endpoint only to models of its kind', async () => {
    await expect(
      client.chat.completions.create({
        model: 'text-embedding-3-small',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    ).rejects.toMatchObject({ status: 404, param: 'model', message: expect.stringContaining('/v1/embeddings') });

    await expect(client.embeddings.create({ model: 'gpt-4o-mini', input: 'x' })).rejects.toMatchObject({
      status: 404,
      param: 'model',
      message: expect.stringContaining("'text-embedding-3-small'"),
    });
    await expect(client.embeddings.create({ model: 'gemini-2.5-flash', input: 'x' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('surfaces upstream errors in the OpenAI shape', async () => {
    vectors.failures.push(429);
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).rejects.toMatchObject({
      status: 429,
    });
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: '' })).rejects.toMatchObject({
      status: 400,
      param: 'input',
    });
  });
});
