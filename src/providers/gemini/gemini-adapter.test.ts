import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.ts';
import type { AdapterContext, ProviderDefinition } from '../provider-adapter.ts';
import errorResourceExhausted from './__fixtures__/error-resource-exhausted.json' with { type: 'json' };
import { collect, frameGeminiSse, sequentialIds } from './__fixtures__/gemini-sse-body.ts';
import modelsPageOne from './__fixtures__/models-page-1.json' with { type: 'json' };
import modelsPageTwo from './__fixtures__/models-page-2.json' with { type: 'json' };
import streamToolCalls from './__fixtures__/stream-tool-calls.json' with { type: 'json' };
import textResponse from './__fixtures__/text-response.json' with { type: 'json' };
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

function contextWith(fetch: typeof globalThis.fetch): AdapterContext {
  return { fetch, signal: new AbortController().signal, now: () => 1_730_000_000_000, generateId: sequentialIds() };
}

const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' }, ...init });

describe('geminiAdapter', () => {
  it('calls generateContent with the key in x-goog-api-key only', async () => {
    const { fetch, calls } = fakeFetch(() => json(textResponse));
    const result = await geminiAdapter.chatCompletion(
      provider,
      { model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 50 },
      contextWith(fetch),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent',
    );
    expect(calls[0].method).toBe('POST');
    expect(Object.fromEntries(calls[0].headers)).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
      'x-goog-api-key': 'AIzaSy-test-key',
      'x-team': 'search',
    });
    expect(calls[0].body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      generationConfig: { maxOutputTokens: 50 },
    });
    expect(result.stream).toBe(false);
    if (result.stream) return;
    expect(result.response).toMatchObject({
      id: 'chatcmpl-1',
      created: 1_730_000_000,
      model: 'gemini-2.0-flash',
      choices: [{ message: { content: 'Hello! How can I help you today?' }, finish_reason: 'stop' }],
    });
  });

  it('streams from streamGenerateContent?alt=sse', async () => {
    const { fetch, calls } = fakeFetch(
      () => new Response(frameGeminiSse(streamToolCalls.events), { headers: { 'content-type': 'text/event-stream' } }),
    );
    const result = await geminiAdapter.chatCompletion(
      provider,
      { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Weather and time?' }], stream: true },
      contextWith(fetch),
    );
    expect(calls[0].url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(calls[0].url).not.toContain('AIzaSy');
    expect(calls[0].headers.get('accept')).toBe('text/event-stream');
    expect(calls[0].headers.has('authorization')).toBe(false);
    expect(calls[0].body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Weather and time?' }] }] });
    if (!result.stream) throw new Error('expected a stream');
    const chunks = await collect(result.chunks);
    expect(
      chunks
        .flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []))
        .map((call) => call.function?.name),
    ).toEqual(['get_weather', 'get_time']);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 150 } });
  });

  it('errors with a retryable 502 when the connection drops mid-stream, and cancels upstream on cancel', async () => {
    const encoder = new TextEncoder();
    const first = frameGeminiSse([streamToolCalls.events[0]]);
    const dropping = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(first));
      },
      pull(controller) {
        controller.error(new TypeError('terminated'));
      },
    });
    const { fetch } = fakeFetch(() => new Response(dropping));
    const result = await geminiAdapter.chatCompletion(
      provider,
      { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true },
      contextWith(fetch),
    );
    if (!result.stream) throw new Error('expected a stream');
    const failure = await collect(result.chunks).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ status: 502, code: 'upstream_stream_interrupted', isRetryable: true });

    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(first));
      },
      cancel() {
        cancelled = true;
      },
    });
    const second = await geminiAdapter.chatCompletion(
      provider,
      { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true },
      contextWith(fakeFetch(() => new Response(endless)).fetch),
    );
    if (!second.stream) throw new Error('expected a stream');
    const reader = second.chunks.getReader();
    await reader.read();
    await reader.cancel();
    // Cancellation travels up the pipe chain asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cancelled).toBe(true);
  });

  it('throws the mapped GatewayError on an error status', async () => {
    const { fetch } = fakeFetch(() => json(errorResourceExhausted, { status: 429 }));
    const failure = await geminiAdapter
      .chatCompletion(
        provider,
        { model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'Hi' }] },
        contextWith(fetch),
      )
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ status: 429, isRetryable: true, retryAfterMs: 12_000, provider: 'google' });
  });

  it('refuses a remote image URL before calling upstream', async () => {
    const { fetch, calls } = fakeFetch(() => json(textResponse));
    const failure = await geminiAdapter
      .chatCompletion(
        provider,
        {
          model: 'gemini-2.0-flash',
          messages: [
            { role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://169.254.169.254/x.png' } }] },
          ],
        },
        contextWith(fetch),
      )
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 400, param: 'messages' });
    expect(calls).toHaveLength(0);
  });

  it('lists models across pages', async () => {
    const { fetch, calls } = fakeFetch((call) => json(call.url.includes('pageToken=') ? modelsPageTwo : modelsPageOne));
    const models = await geminiAdapter.listModels(provider, contextWith(fetch));
    expect(calls.map((call) => [call.method, call.url])).toEqual([
      ['GET', 'https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000'],
      [
        'GET',
        'https://generativelanguage.googleapis.com/v1beta/models?pageSize=1000&pageToken=Ch5tb2RlbHMvZ2VtaW5pLTIuMC1mbGFzaC0wMDE%3D',
      ],
    ]);
    expect(calls[0].headers.get('x-goog-api-key')).toBe('AIzaSy-test-key');
    expect(models.map((model) => [model.id, model.kind])).toEqual([
      ['gemini-2.5-flash', 'chat'],
      ['gemini-2.0-flash', 'chat'],
      ['gemini-embedding-001', 'embedding'],
    ]);
  });

  it('reports an unreachable upstream as a retryable 502', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    const failure = await geminiAdapter.listModels(provider, contextWith(fetch)).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 502, isRetryable: true, provider: 'google' });
  });
});
