import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../src/canonical/index.ts';
import { GatewayError } from '../../src/canonical/index.ts';
import { geminiAdapter } from '../../src/providers/gemini/gemini-adapter.ts';
import type { AdapterContext, ProviderDefinition } from '../../src/providers/provider-adapter.ts';
import { type FakeGemini, startFakeGemini } from './fake-gemini-server.ts';

const API_KEY = 'AIzaSy-fake-key';
let fake: FakeGemini;
let provider: ProviderDefinition;

function context(): AdapterContext {
  let next = 0;
  return {
    fetch,
    signal: AbortSignal.timeout(5000),
    now: () => 1_730_000_000_000,
    generateId: (prefix) => `${prefix}${++next}`,
  };
}

beforeAll(async () => {
  fake = await startFakeGemini({ apiKey: API_KEY, maxPageSize: 2 });
  provider = {
    id: 'google',
    type: 'gemini',
    baseUrl: fake.baseUrl,
    apiKey: API_KEY,
    models: [],
    aliases: {},
    discover: true,
    source: 'config',
  };
});
afterAll(() => fake.close());

describe('geminiAdapter against the fake Gemini server', () => {
  it('lists models over pages', async () => {
    const models = await geminiAdapter.listModels(provider, context());
    expect(models.map((model) => [model.id, model.kind])).toEqual([
      ['gemini-2.5-flash', 'chat'],
      ['gemini-2.0-flash', 'chat'],
      ['gemini-embedding-001', 'embedding'],
    ]);
    expect(fake.requests.filter((request) => request.path.startsWith('/v1beta/models?')).length).toBe(2);
  });

  it('answers a non-stream request', async () => {
    fake.respondWith(() => ({
      kind: 'reply',
      text: 'Hello there.',
      usage: { promptTokenCount: 4, candidatesTokenCount: 3, totalTokenCount: 7 },
    }));
    const result = await geminiAdapter.chatCompletion(
      provider,
      {
        model: 'gemini-2.0-flash',
        messages: [
          { role: 'system', content: 'Be kind.' },
          { role: 'user', content: 'Hi' },
        ],
      },
      context(),
    );
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(request.headers['x-goog-api-key']).toBe(API_KEY);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({
      systemInstruction: { parts: [{ text: 'Be kind.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
    });
    if (result.stream) throw new Error('expected JSON');
    expect(result.response.choices[0].message.content).toBe('Hello there.');
    expect(result.response.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 });
  });

  it('streams text and a tool call over CRLF-framed SSE', async () => {
    fake.respondWith(() => ({
      kind: 'reply',
      text: 'Let me check.',
      functionCalls: [{ name: 'get_weather', args: { city: 'Oslo' } }],
      usage: { promptTokenCount: 20, candidatesTokenCount: 9, totalTokenCount: 29 },
    }));
    const result = await geminiAdapter.chatCompletion(
      provider,
      {
        model: 'gemini-2.5-flash',
        stream: true,
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
        tools: [
          {
            type: 'function',
            function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
          },
        ],
      },
      context(),
    );
    expect(fake.requests.at(-1)!.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    if (!result.stream) throw new Error('expected a stream');
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of result.chunks as unknown as AsyncIterable<ChatCompletionChunk>) chunks.push(chunk);
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
    expect(deltas.map((delta) => delta.content ?? '').join('')).toBe('Let me check.');
    expect(deltas.flatMap((delta) => delta.tool_calls ?? [])).toEqual([
      { index: 0, id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    ]);
    expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual([
      'tool_calls',
    ]);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 },
    });
  });

  it('errors a stream cut before its finish', async () => {
    fake.respondWith(() => ({ kind: 'drop', afterEvents: 1, reply: { kind: 'reply', text: 'one two three' } }));
    const result = await geminiAdapter.chatCompletion(
      provider,
      { model: 'gemini-2.0-flash', stream: true, messages: [{ role: 'user', content: 'Count' }] },
      context(),
    );
    if (!result.stream) throw new Error('expected a stream');
    const reader = result.chunks.getReader();
    const failure = await (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return undefined;
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ status: 502, isRetryable: true });
  });

  it('maps an HTTP error from the fake', async () => {
    fake.respondWith(() => ({
      kind: 'error',
      status: 429,
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
    }));
    const failure = await geminiAdapter
      .chatCompletion(provider, { model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'Hi' }] }, context())
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 429, retryAfterMs: 2000, provider: 'google' });
  });
});
