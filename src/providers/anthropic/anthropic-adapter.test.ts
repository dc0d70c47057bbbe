import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { AdapterContext, ProviderDefinition } from '../provider-adapter.ts';
import rateLimit from './__fixtures__/error-rate-limit.json';
import page1 from './__fixtures__/models-page-1.json';
import page2 from './__fixtures__/models-page-2.json';
import text from './__fixtures__/response-text.json';
import streamToolCalls from './__fixtures__/stream-tool-calls.sse?raw';
import { anthropicAdapter } from './anthropic-adapter.ts';

const provider: ProviderDefinition = {
  id: 'claude',
  type: 'anthropic',
  baseUrl: 'https://api.anthropic.com/v1',
  apiKey: 'sk-ant-test-key',
  headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' },
  models: [],
  aliases: {},
  discover: true,
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

function contextWith(fetch: typeof globalThis.fetch): AdapterContext {
  return {
    fetch,
    signal: new AbortController().signal,
    now: () => 1_730_000_000_123,
    generateId: (prefix) => `${prefix}generated`,
  };
}

const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('anthropicAdapter.chatCompletion', () => {
  it('posts the converted body to /messages with the Anthropic headers only', async () => {
    const { fetch, calls } = fakeFetch(json(text, 200, { 'request-id': 'req_1' }));
    const result = await anthropicAdapter.chatCompletion(
      provider,
      {
        model: 'claude-sonnet-4-5',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
        max_tokens: 64,
      },
      contextWith(fetch),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('https://api.anthropic.com/v1/messages');
    expect(calls[0].method).toBe('POST');
    expect(Object.fromEntries(calls[0].headers)).toEqual({
      'x-api-key': 'sk-ant-test-key',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'prompt-caching-2024-07-31',
      'content-type': 'application/json',
    });
    expect(calls[0].headers.has('authorization')).toBe(false);
    expect(calls[0].body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(result.stream).toBe(false);
    if (result.stream) return;
    expect(result.headers.get('request-id')).toBe('req_1');
    expect(result.response).toMatchObject({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      created: 1_730_000_000,
      choices: [{ message: { content: 'Hello! How can I help you today?' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 11, total_tokens: 23 },
    });
  });

  it('streams tool calls from an SSE answer', async () => {
    const { fetch, calls } = fakeFetch(
      () => new Response(streamToolCalls, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } }),
    );
    const result = await anthropicAdapter.chatCompletion(
      provider,
      { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Weather?' }], stream: true },
      contextWith(fetch),
    );
    expect(calls[0].body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      stream: true,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather?' }] }],
    });
    if (!result.stream) throw new Error('expected a stream');
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of result.chunks) chunks.push(chunk);
    const toolCalls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(toolCalls.filter((call) => call.id).map((call) => [call.index, call.id])).toEqual([
      [0, 'toolu_01Oslo7xYtQ'],
      [1, 'toolu_01Bergen8zRk'],
      [2, 'toolu_01Clock2mNp'],
    ]);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 561 } });
  });

  it('rejects n > 1 before calling upstream', async () => {
    const { fetch, calls } = fakeFetch();
    await expect(
      anthropicAdapter.chatCompletion(provider, { model: 'm', messages: [], n: 3 }, contextWith(fetch)),
    ).rejects.toMatchObject({ status: 400, param: 'n' });
    expect(calls).toHaveLength(0);
  });

  it('maps an upstream 429 with retry-after', async () => {
    const { fetch } = fakeFetch(json(rateLimit, 429, { 'retry-after': '3' }));
    const error = await anthropicAdapter
      .chatCompletion(provider, { model: 'm', messages: [{ role: 'user', content: 'x' }] }, contextWith(fetch))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 429, isRetryable: true, retryAfterMs: 3000, provider: 'claude' });
    expect((error as Error).message).not.toContain('sk-ant-test-key');
  });

  it('turns a network failure into a retryable 502', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    await expect(
      anthropicAdapter.chatCompletion(provider, { model: 'm', messages: [] }, contextWith(fetch)),
    ).rejects.toMatchObject({ status: 502, isRetryable: true });
  });
});

describe('anthropicAdapter.listModels', () => {
  it('follows after_id while has_more', async () => {
    const { fetch, calls } = fakeFetch(json(page1), json(page2));
    const models = await anthropicAdapter.listModels(provider, contextWith(fetch));
    expect(calls.map((call) => call.url)).toEqual([
      'https://api.anthropic.com/v1/models',
      'https://api.anthropic.com/v1/models?after_id=claude-opus-4-1-20250805',
    ]);
    expect(calls[0].headers.get('x-api-key')).toBe('sk-ant-test-key');
    expect(calls[0].headers.get('anthropic-version')).toBe('2023-06-01');
    expect(calls[0].headers.has('content-type')).toBe(false);
    expect(models.map((model) => [model.id, model.displayName, model.created])).toEqual([
      ['claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', 1759104000],
      ['claude-opus-4-1-20250805', 'Claude Opus 4.1', 1754352000],
      ['claude-haiku-4-5-20251001', 'Claude Haiku 4.5', 1759276800],
    ]);
  });
});
