import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChatRequest } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { AdapterContext, ProviderDefinition } from '../provider-adapter.ts';
import azureRateLimit from './__fixtures__/error-azure-rate-limit.json';
import insufficientQuota from './__fixtures__/error-insufficient-quota.json';
import azureDeployments from './__fixtures__/models-azure-deployments.json';
import openaiModels from './__fixtures__/models-openai.json';
import azureResponse from './__fixtures__/response-azure.json';
import text from './__fixtures__/response-text.json';
import streamAzure from './__fixtures__/stream-azure.sse?raw';
import streamMistralTools from './__fixtures__/stream-mistral-tools.sse?raw';
import streamText from './__fixtures__/stream-text.sse?raw';
import { openAIAdapter } from './openai-adapter.ts';

const provider: ProviderDefinition = {
  id: 'openai',
  type: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  apiKey: 'sk-provider-key',
  headers: { 'OpenAI-Project': 'proj_123' },
  models: [],
  aliases: {},
  discover: true,
  source: 'config',
};

const azure: ProviderDefinition = {
  id: 'azure',
  type: 'openai',
  baseUrl: 'https://contoso.openai.azure.com',
  apiKey: 'azure-key-1',
  models: ['chat-gpt4o'],
  aliases: {},
  discover: false,
  azure: { apiVersion: '2024-10-21' },
  source: 'config',
};

type Call = { url: string; method: string; headers: Headers; body: unknown };

/** A fetch that records each call and answers from the script, in order. */
function fakeFetch(...answers: Array<() => Response>) {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const answer = answers[calls.length - 1];
    if (!answer) throw new Error(`unexpected call ${calls.length}`);
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function contextWith(fetch: typeof globalThis.fetch, signal = new AbortController().signal): AdapterContext {
  return { fetch, signal, now: () => 1_730_000_000_123, generateId: (prefix) => `${prefix}generated` };
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const sse = (body: string) => () => new Response(body, { headers: { 'content-type': 'text/event-stream' } });

async function collect(stream: ReadableStream<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const request: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ],
  max_completion_tokens: 64,
};

describe('openAIAdapter.chatCompletion', () => {
  it('posts the request to /chat/completions with the provider key and headers only', async () => {
    const { fetch, calls } = fakeFetch(json(text, 200, { 'x-request-id': 'req_1' }));
    const result = await openAIAdapter.chatCompletion(provider, request, contextWith(fetch));
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('https://api.openai.com/v1/chat/completions');
    expect(calls[0].method).toBe('POST');
    expect(Object.fromEntries(calls[0].headers)).toEqual({
      accept: 'application/json',
      authorization: 'Bearer sk-provider-key',
      'content-type': 'application/json',
      'openai-project': 'proj_123',
    });
    expect(calls[0].body).toEqual(request);
    if (result.stream) throw new Error('expected a response');
    expect(result.headers.get('x-request-id')).toBe('req_1');
    expect(result.response).toEqual(text);
  });

  it('sends no Authorization header to a keyless local server', async () => {
    const { fetch, calls } = fakeFetch(json(text));
    const local = { ...provider, id: 'ollama', baseUrl: 'http://127.0.0.1:11434/v1', headers: undefined };
    delete local.apiKey;
    await openAIAdapter.chatCompletion(local, request, contextWith(fetch));
    expect(calls[0].url).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(calls[0].headers.has('authorization')).toBe(false);
  });

  it('streams: asks for usage, yields the chunks and ends with the usage chunk', async () => {
    const { fetch, calls } = fakeFetch(sse(streamText));
    const result = await openAIAdapter.chatCompletion(provider, { ...request, stream: true }, contextWith(fetch));
    expect(calls[0].body).toEqual({ ...request, stream: true, stream_options: { include_usage: true } });
    if (!result.stream) throw new Error('expected a stream');
    const chunks = await collect(result.chunks);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello there! 👋');
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(13);
  });

  it('a stream request answered with a whole JSON completion still streams it, usage last', async () => {
    const { fetch } = fakeFetch(json(text));
    const result = await openAIAdapter.chatCompletion(provider, { ...request, stream: true }, contextWith(fetch));
    if (!result.stream) throw new Error('expected a stream');
    const chunks = await collect(result.chunks);
    expect(chunks.map((chunk) => chunk.object)).toEqual(Array(3).fill('chat.completion.chunk'));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: 'Hello! How can I help you today?' });
    expect(chunks[1]?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks[2]).toMatchObject({ choices: [], usage: { total_tokens: 29 } });
  });

  it('a stream labelled as JSON that is SSE after all is still read as the stream it is', async () => {
    const mislabelled = () => new Response(streamText, { headers: { 'content-type': 'application/json' } });
    const { fetch } = fakeFetch(mislabelled);
    const result = await openAIAdapter.chatCompletion(provider, { ...request, stream: true }, contextWith(fetch));
    if (!result.stream) throw new Error('expected a stream');
    const chunks = await collect(result.chunks);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello there! 👋');
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(13);
  });

  it('a stream request answered with a JSON error and a 200 fails with the upstream message, not as a cut stream', async () => {
    const { fetch } = fakeFetch(json({ error: { message: 'Model is loading', type: 'server_error', code: null } }));
    const failure = await openAIAdapter
      .chatCompletion(provider, { ...request, stream: true }, contextWith(fetch))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ status: 502, isRetryable: true, provider: 'openai' });
    expect((failure as GatewayError).message).toContain('Model is loading');
  });

  it('cancelling the chunk stream cancels the upstream body', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(streamText.split('\n\n')[0] + '\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const { fetch } = fakeFetch(() => new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    const result = await openAIAdapter.chatCompletion(provider, { ...request, stream: true }, contextWith(fetch));
    if (!result.stream) throw new Error('expected a stream');
    const reader = result.chunks.getReader();
    await reader.read();
    await reader.cancel();
    // Cancellation travels back through the pipe chain asynchronously.
    for (let turn = 0; turn < 50 && !cancelled; turn++) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(cancelled).toBe(true);
  });

  it('Mistral: no stream_options, max_tokens instead of max_completion_tokens; usage still arrives', async () => {
    const { fetch, calls } = fakeFetch(sse(streamMistralTools));
    const mistral = { ...provider, id: 'mistral', baseUrl: 'https://api.mistral.ai/v1', headers: undefined };
    const result = await openAIAdapter.chatCompletion(
      mistral,
      { ...request, model: 'mistral-small-latest', stream: true },
      contextWith(fetch),
    );
    expect(calls[0].url).toBe('https://api.mistral.ai/v1/chat/completions');
    expect(calls[0].body).toEqual({
      model: 'mistral-small-latest',
      messages: request.messages,
      max_tokens: 64,
      stream: true,
    });
    if (!result.stream) throw new Error('expected a stream');
    const chunks = await collect(result.chunks);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 84, completion_tokens: 37, total_tokens: 121 });
  });

  it('throws the mapped error: insufficient_quota is a 429 that is not retried', async () => {
    const { fetch } = fakeFetch(json(insufficientQuota, 429));
    const error = await openAIAdapter.chatCompletion(provider, request, contextWith(fetch)).catch((caught) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 429, code: 'insufficient_quota', isRetryable: false, provider: 'openai' });
  });

  it("an upstream error that echoes the provider's key keeps its status and code, with the key cut out", async () => {
    const echoed = { error: { message: `Incorrect API key provided: ${provider.apiKey}.`, code: 'invalid_api_key' } };
    const { fetch } = fakeFetch(json(echoed, 401));
    const error = await openAIAdapter.chatCompletion(provider, request, contextWith(fetch)).catch((caught) => caught);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key', provider: 'openai' });
    expect(error.message).toContain('Incorrect API key provided: [redacted].');
    expect(error.message).not.toContain(provider.apiKey);
  });

  it('a network failure is a retryable 502 naming the provider, never its key', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      });
    }) as typeof globalThis.fetch;
    const error = await openAIAdapter.chatCompletion(provider, request, contextWith(fetch)).catch((caught) => caught);
    expect(error).toMatchObject({ status: 502, code: 'upstream_unreachable', isRetryable: true });
    expect(error.message).toContain("'openai'");
    expect(error.message).not.toContain('sk-provider-key');
  });

  it('a 200 whose body is not JSON is a retryable 502', async () => {
    const { fetch } = fakeFetch(() => new Response('<html>proxy page</html>', { status: 200 }));
    const error = await openAIAdapter.chatCompletion(provider, request, contextWith(fetch)).catch((caught) => caught);
    expect(error).toMatchObject({ status: 502, code: 'invalid_upstream_response', isRetryable: true });
  });
});

describe('openAIAdapter.listModels', () => {
  it('GETs /models with the key and follows has_more pages', async () => {
    const { fetch, calls } = fakeFetch(
      json({ object: 'list', data: [{ id: 'a', object: 'model' }], has_more: true, last_id: 'a' }),
      json(openaiModels),
    );
    const models = await openAIAdapter.listModels(provider, contextWith(fetch));
    expect(calls.map((call) => call.url)).toEqual([
      'https://api.openai.com/v1/models',
      'https://api.openai.com/v1/models?after=a',
    ]);
    expect(calls[0].headers.get('authorization')).toBe('Bearer sk-provider-key');
    expect(calls[0].headers.has('content-type')).toBe(false);
    expect(models.map((model) => model.id)).toEqual(['a', 'gpt-4o-mini', 'text-embedding-3-small', 'gpt-4o']);
  });
});

describe('Azure OpenAI', () => {
  it('posts to the deployment URL with api-version and the api-key header, never Authorization', async () => {
    const { fetch, calls } = fakeFetch(json(azureResponse));
    const result = await openAIAdapter.chatCompletion(azure, { ...request, model: 'chat-gpt4o' }, contextWith(fetch));
    expect(calls[0].url).toBe(
      'https://contoso.openai.azure.com/openai/deployments/chat-gpt4o/chat/completions?api-version=2024-10-21',
    );
    expect(Object.fromEntries(calls[0].headers)).toEqual({
      accept: 'application/json',
      'api-key': 'azure-key-1',
      'content-type': 'application/json',
    });
    if (result.stream) throw new Error('expected a response');
    expect(result.response.choices[0].message.content).toBe('Hello from Azure.');
  });

  it('streams past the empty prompt_filter_results chunk, asking for usage on current api-versions', async () => {
    const { fetch, calls } = fakeFetch(sse(streamAzure));
    const result = await openAIAdapter.chatCompletion(
      azure,
      { ...request, model: 'chat-gpt4o', stream: true },
      contextWith(fetch),
    );
    expect(calls[0].body).toMatchObject({ stream_options: { include_usage: true } });
    if (!result.stream) throw new Error('expected a stream');
    const chunks = await collect(result.chunks);
    expect(chunks[0].id).toBe('chatcmpl-B9O1k2L3m4N5o6P7q8R9s0T1u2V3w');
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(16);
  });

  it('leaves stream_options out for api-versions older than 2024-09-01', async () => {
    const { fetch, calls } = fakeFetch(sse(streamAzure));
    const legacy = { ...azure, azure: { apiVersion: '2024-06-01' } };
    await openAIAdapter.chatCompletion(legacy, { ...request, model: 'chat-gpt4o', stream: true }, contextWith(fetch));
    expect(calls[0].url).toContain('?api-version=2024-06-01');
    expect(calls[0].body).not.toHaveProperty('stream_options');
  });

  it('apiVersion v1 uses the /openai/v1 paths with the deployment as model', async () => {
    const { fetch, calls } = fakeFetch(json(azureResponse), json({ object: 'list', data: [{ id: 'gpt-4o' }] }));
    const v1 = { ...azure, azure: { apiVersion: 'v1' } };
    await openAIAdapter.chatCompletion(v1, { ...request, model: 'chat-gpt4o' }, contextWith(fetch));
    await openAIAdapter.listModels(v1, contextWith(fetch));
    expect(calls.map((call) => call.url)).toEqual([
      'https://contoso.openai.azure.com/openai/v1/chat/completions',
      'https://contoso.openai.azure.com/openai/v1/models',
    ]);
    expect(calls[0].body).toMatchObject({ model: 'chat-gpt4o' });
    expect(calls[0].headers.get('api-key')).toBe('azure-key-1');
  });

  it('lists deployments where the api-version still serves them', async () => {
    const { fetch, calls } = fakeFetch(json(azureDeployments));
    const models = await openAIAdapter.listModels(
      { ...azure, azure: { apiVersion: '2022-12-01' } },
      contextWith(fetch),
    );
    expect(calls[0].url).toBe('https://contoso.openai.azure.com/openai/deployments?api-version=2022-12-01');
    expect(calls[0].headers.get('api-key')).toBe('azure-key-1');
    expect(models).toEqual([{ id: 'chat-gpt4o' }, { id: 'embed-small', kind: 'embedding' }]);
  });

  it('a 429 keeps its retry-after wait', async () => {
    const { fetch } = fakeFetch(json(azureRateLimit, 429, { 'retry-after': '6' }));
    const error = await openAIAdapter
      .chatCompletion(azure, { ...request, model: 'chat-gpt4o' }, contextWith(fetch))
      .catch((caught) => caught);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded', isRetryable: true, retryAfterMs: 6000 });
  });
});
