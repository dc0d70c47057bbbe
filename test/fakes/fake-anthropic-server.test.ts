import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../src/canonical/index.ts';
import { anthropicAdapter } from '../../src/providers/anthropic/anthropic-adapter.ts';
import type { AdapterContext, ProviderDefinition } from '../../src/providers/provider-adapter.ts';
import { type FakeAnthropic, startFakeAnthropic } from './fake-anthropic-server.ts';

let fake: FakeAnthropic;
let provider: ProviderDefinition;

const context = (): AdapterContext => ({
  fetch: globalThis.fetch,
  signal: AbortSignal.timeout(10_000),
  now: () => 1_730_000_000_000,
  generateId: (prefix) => `${prefix}test`,
});

async function collect(stream: ReadableStream<ChatCompletionChunk>) {
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks };
}

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: 'sk-ant-fake' });
  provider = {
    id: 'claude',
    type: 'anthropic',
    baseUrl: fake.baseUrl,
    apiKey: 'sk-ant-fake',
    models: [],
    aliases: {},
    discover: true,
    source: 'config',
  };
});
afterAll(() => fake.close());

describe('anthropicAdapter against the fake Anthropic server', () => {
  it('answers a non-stream request and sends the Anthropic headers', async () => {
    fake.respondWith(() => ({ kind: 'message', text: 'Hei!', usage: { input_tokens: 9, output_tokens: 3 } }));
    const result = await anthropicAdapter.chatCompletion(
      provider,
      { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello' }] },
      context(),
    );
    if (result.stream) throw new Error('expected JSON');
    expect(result.response.choices[0].message.content).toBe('Hei!');
    expect(result.response.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 });
    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/messages' });
    expect(request.headers['x-api-key']).toBe('sk-ant-fake');
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    });
  });

  it('streams text and parallel tool calls with argument fragments', async () => {
    fake.respondWith(() => ({
      kind: 'message',
      text: 'Checking the weather.',
      toolUses: [
        { id: 'toolu_01A', name: 'get_weather', input: { city: 'Oslo', unit: 'celsius' } },
        { id: 'toolu_01B', name: 'get_weather', input: { city: 'Bergen', unit: 'celsius' } },
      ],
      usage: { input_tokens: 40, output_tokens: 22, cache_read_input_tokens: 8 },
    }));
    const result = await anthropicAdapter.chatCompletion(
      provider,
      { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Weather?' }], stream: true, tools: [] },
      context(),
    );
    if (!result.stream) throw new Error('expected a stream');
    const { chunks, error } = await collect(result.chunks);
    expect(error).toBeUndefined();
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(['msg_01FakeAnthropic']));
    const choices = chunks.filter((chunk) => chunk.choices.length > 0).map((chunk) => chunk.choices[0]);
    expect(choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(choices.map((choice) => choice.delta.content ?? '').join('')).toBe('Checking the weather.');
    const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
    for (const call of choices.flatMap((choice) => choice.delta.tool_calls ?? [])) {
      const entry = calls.get(call.index) ?? { arguments: '' };
      if (call.id) entry.id = call.id;
      if (call.function?.name) entry.name = call.function.name;
      entry.arguments += call.function?.arguments ?? '';
      calls.set(call.index, entry);
    }
    expect(
      [...calls.entries()].map(([index, call]) => [index, call.id, call.name, JSON.parse(call.arguments)]),
    ).toEqual([
      [0, 'toolu_01A', 'get_weather', { city: 'Oslo', unit: 'celsius' }],
      [1, 'toolu_01B', 'get_weather', { city: 'Bergen', unit: 'celsius' }],
    ]);
    expect(choices.filter((choice) => choice.delta.tool_calls).length).toBeGreaterThan(4);
    expect(choices.at(-1)).toMatchObject({ delta: {}, finish_reason: 'tool_calls' });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 48,
        completion_tokens: 22,
        total_tokens: 70,
        prompt_tokens_details: { cached_tokens: 8 },
      },
    });
    expect(fake.requests.at(-1)?.body).toMatchObject({ stream: true });
  });

  it('errors a stream on an overloaded error event, and on a cut stream', async () => {
    fake.respondWith(() => ({ kind: 'stream-error', text: 'Hel', type: 'overloaded_error', message: 'Overloaded' }));
    const request = { model: 'm', messages: [{ role: 'user' as const, content: 'x' }], stream: true };
    const overloaded = await anthropicAdapter.chatCompletion(provider, request, context());
    if (!overloaded.stream) throw new Error('expected a stream');
    expect((await collect(overloaded.chunks)).error).toMatchObject({ status: 503, isRetryable: true });

    fake.respondWith(() => ({ kind: 'truncated-stream', text: 'Hel' }));
    const cut = await anthropicAdapter.chatCompletion(provider, request, context());
    if (!cut.stream) throw new Error('expected a stream');
    expect((await collect(cut.chunks)).error).toMatchObject({ status: 502, code: 'upstream_stream_truncated' });
  });

  it('maps an error body, and lists every page of models', async () => {
    fake.respondWith(() => ({
      kind: 'error',
      status: 429,
      type: 'rate_limit_error',
      message: 'Slow down',
      headers: { 'retry-after': '2' },
    }));
    await expect(
      anthropicAdapter.chatCompletion(provider, { model: 'm', messages: [{ role: 'user', content: 'x' }] }, context()),
    ).rejects.toMatchObject({ status: 429, retryAfterMs: 2000, message: "Slow down (provider 'claude')" });

    const models = await anthropicAdapter.listModels(provider, context());
    expect(models.map((model) => model.id)).toEqual(['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001']);
    expect(fake.requests.slice(-2).map((request) => request.path)).toEqual([
      '/v1/models',
      '/v1/models?after_id=claude-sonnet-4-5-20250929',
    ]);
  });

  it('rejects a wrong key with an Anthropic 401 body', async () => {
    await expect(
      anthropicAdapter.chatCompletion(
        { ...provider, apiKey: 'wrong' },
        { model: 'm', messages: [{ role: 'user', content: 'x' }] },
        context(),
      ),
    ).rejects.toMatchObject({ status: 401, type: 'authentication_error', isRetryable: false });
  });
});
