import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import { translateSseText } from '../../streaming/__fixtures__/translate-sse-text.ts';
import streamAzure from './__fixtures__/stream-azure.sse?raw';
import streamDeepSeekCache from './__fixtures__/stream-deepseek-cache.sse?raw';
import streamDeepSeekReasoning from './__fixtures__/stream-deepseek-reasoning.sse?raw';
import streamError from './__fixtures__/stream-error.sse?raw';
import streamErrorEvent from './__fixtures__/stream-error-event.sse?raw';
import streamGroq from './__fixtures__/stream-groq.sse?raw';
import streamMalformed from './__fixtures__/stream-malformed.sse?raw';
import streamMistralThinking from './__fixtures__/stream-mistral-thinking.sse?raw';
import streamMistralTools from './__fixtures__/stream-mistral-tools.sse?raw';
import streamOllama from './__fixtures__/stream-ollama.sse?raw';
import streamOpenRouter from './__fixtures__/stream-openrouter.sse?raw';
import streamOpenRouterError from './__fixtures__/stream-openrouter-error.sse?raw';
import streamText from './__fixtures__/stream-text.sse?raw';
import streamToolCalls from './__fixtures__/stream-tool-calls.sse?raw';
import streamTruncated from './__fixtures__/stream-truncated.sse?raw';
import streamVllmError from './__fixtures__/stream-vllm-error.sse?raw';
import { openAIStreamToChunks } from './openai-stream-to-chunks.ts';

const defaults = { id: 'chatcmpl-fallback', created: 1_730_000_000, model: 'requested-model', provider: 'upstream' };

/** Feeds SSE text as bytes, cut every `pieceSize` bytes (0: one piece), through the parser and the transform. */
async function run(text: string, pieceSize = 0): Promise<{ chunks: ChatCompletionChunk[]; error?: unknown }> {
  const { values, error } = await translateSseText(text, openAIStreamToChunks(defaults), pieceSize);
  return { chunks: values, error };
}

const choicesOf = (chunks: ChatCompletionChunk[]) => chunks.filter((chunk) => chunk.choices.length > 0);
const text = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
const reasoning = (chunks: ChatCompletionChunk[]) =>
  chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '').join('');

describe('openAIStreamToChunks', () => {
  it('streams text: chunks as sent without obfuscation, then one usage chunk last', async () => {
    const { chunks, error } = await run(streamText);
    expect(error).toBeUndefined();
    const envelope = {
      id: 'chatcmpl-B9MZ3vUQpTnEoH0xKcFjw2TslAAmP',
      object: 'chat.completion.chunk',
      created: 1741571000,
      model: 'gpt-4o-mini-2024-07-18',
      service_tier: 'default',
      system_fingerprint: 'fp_06737a9306',
    };
    expect(chunks[0]).toEqual({
      ...envelope,
      choices: [
        { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
      ],
    });
    expect(text(chunks)).toBe('Hello there! 👋');
    expect(chunks.some((chunk) => 'obfuscation' in chunk)).toBe(false);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toEqual({
      id: envelope.id,
      object: 'chat.completion.chunk',
      created: envelope.created,
      model: envelope.model,
      system_fingerprint: envelope.system_fingerprint,
      choices: [],
      usage: {
        prompt_tokens: 9,
        completion_tokens: 4,
        total_tokens: 13,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
    });
    expect(chunks.filter((chunk) => chunk.usage)).toHaveLength(1);
  });

  it('gives the same chunks with CRLF line ends, one-byte reads, and keep-alive comments', async () => {
    const { chunks: expected } = await run(streamText);
    const crlf = `: keep-alive\r\n\r\n${streamText.replaceAll('\n', '\r\n')}`;
    for (const pieceSize of [1, 7, 64]) {
      const { chunks, error } = await run(crlf, pieceSize);
      expect(error).toBeUndefined();
      expect(chunks).toEqual(expected);
    }
    const { chunks: lone } = await run(streamText.replaceAll('\n', '\r'), 5);
    expect(lone).toEqual(expected);
  });

  it('streams parallel tool calls: index, id and name first, argument fragments after', async () => {
    for (const pieceSize of [0, 3]) {
      const { chunks, error } = await run(streamToolCalls, pieceSize);
      expect(error).toBeUndefined();
      const fragments = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
      expect(fragments.filter((call) => call.id)).toEqual([
        {
          index: 0,
          id: 'call_fLsKR5vGllhbWxvpqsDT3jBj',
          type: 'function',
          function: { name: 'get_weather', arguments: '' },
        },
        {
          index: 1,
          id: 'call_8KhXsFOtkgqRbvGZ5QPwMF1e',
          type: 'function',
          function: { name: 'get_weather', arguments: '' },
        },
      ]);
      const argumentsOf = (index: number) =>
        fragments
          .filter((call) => call.index === index)
          .map((call) => call.function?.arguments ?? '')
          .join('');
      expect(JSON.parse(argumentsOf(0))).toEqual({ city: 'Oslo' });
      expect(JSON.parse(argumentsOf(1))).toEqual({ city: 'Bergen' });
      expect(choicesOf(chunks).at(-1)?.choices[0].finish_reason).toBe('tool_calls');
      expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 82, completion_tokens: 47, total_tokens: 129 });
    }
  });

  it('errors with the upstream message on `data: {"error":…}` after content', async () => {
    const { chunks, error } = await run(streamError);
    expect(text(chunks)).toBe('Partial');
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      status: 502,
      type: 'server_error',
      code: 'upstream_stream_error',
      isRetryable: true,
      provider: 'upstream',
    });
    expect((error as Error).message).toContain('The server had an error while processing your request');
  });

  it('errors on an `event: error`, with JSON or plain-text data', async () => {
    const { error } = await run(streamErrorEvent);
    expect(error).toMatchObject({ status: 502, type: 'server_error', code: 'upstream_stream_error' });
    expect((error as Error).message).toContain('Upstream connection reset');
    const { error: plain } = await run('event: error\ndata: overloaded, try later\n\n');
    expect(plain).toBeInstanceOf(GatewayError);
    expect((plain as Error).message).toContain('overloaded, try later');
  });

  it('errors on vLLM’s top-level `{"object":"error"}` event', async () => {
    const { error } = await run(streamVllmError);
    expect(error).toMatchObject({ status: 502, type: 'InternalServerError', code: 'upstream_stream_error' });
    expect((error as Error).message).toContain('The engine loop has stopped.');
  });

  it('errors on OpenRouter’s error chunk instead of reading its `finish_reason: "error"` as a finish', async () => {
    const { chunks, error } = await run(streamOpenRouterError);
    expect(text(chunks)).toBe('Partial');
    expect(error).toMatchObject({ status: 502, code: 'server_error' });
    expect((error as Error).message).toContain('Provider disconnected unexpectedly');
  });

  it('errors when the stream ends before a finish reason or [DONE]', async () => {
    const { chunks, error } = await run(streamTruncated);
    expect(text(chunks)).toBe('Once upon a');
    expect(error).toMatchObject({ status: 502, code: 'upstream_stream_truncated', isRetryable: true });
  });

  it('accepts a stream that finished but left out [DONE], and still sends its usage', async () => {
    const withoutDone = streamMistralTools.replace('data: [DONE]\n\n', '');
    const { chunks, error } = await run(withoutDone);
    expect(error).toBeUndefined();
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 84, completion_tokens: 37, total_tokens: 121 });
  });

  it('errors on an event whose data is not JSON', async () => {
    const { chunks, error } = await run(streamMalformed);
    expect(chunks).toHaveLength(1);
    expect(error).toMatchObject({ status: 502, code: 'invalid_upstream_stream' });
  });

  it('ignores anything after [DONE]', async () => {
    const { chunks, error } = await run(`${streamText}data: {"error":{"message":"late"}}\n\n`);
    expect(error).toBeUndefined();
    expect(chunks.at(-1)?.choices).toEqual([]);
  });

  it('Groq: takes usage from `x_groq.usage` on the last chunk', async () => {
    const { chunks, error } = await run(streamGroq);
    expect(error).toBeUndefined();
    expect(text(chunks)).toBe('Hi!');
    expect(chunks.at(-1)).toMatchObject({
      id: 'chatcmpl-4f7c2a9e-8b1d-4e3f-a6c5-0d9e8f7a6b5c',
      choices: [],
      usage: { prompt_tokens: 40, completion_tokens: 3, total_tokens: 43, queue_time: 0.043 },
    });
  });

  it('Mistral: whole tool calls with 9-character ids, usage taken off the finish chunk', async () => {
    const { chunks, error } = await run(streamMistralTools);
    expect(error).toBeUndefined();
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls.map((call) => [call.index, call.id, call.function?.arguments])).toEqual([
      [0, 'D681PevKs', '{"city": "Oslo"}'],
      [1, 'aC3KpQ9zR', '{"city": "Bergen"}'],
    ]);
    const finish = choicesOf(chunks).at(-1);
    expect(finish?.choices[0].finish_reason).toBe('tool_calls');
    expect(finish?.usage).toBeUndefined();
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 84, completion_tokens: 37, total_tokens: 121 });
  });

  it('Mistral reasoning models: thinking chunks become reasoning_content, text stays content', async () => {
    const { chunks, error } = await run(streamMistralThinking);
    expect(error).toBeUndefined();
    expect(reasoning(chunks)).toBe('Two plus two is four.');
    expect(text(chunks)).toBe('4');
    for (const chunk of choicesOf(chunks)) expect(Array.isArray(chunk.choices[0].delta.content)).toBe(false);
  });

  it('DeepSeek: reasoning_content deltas pass through; cache hits become cached_tokens', async () => {
    const { chunks, error } = await run(streamDeepSeekReasoning);
    expect(error).toBeUndefined();
    expect(reasoning(chunks)).toBe('Compare 9.11 and 9.8.');
    expect(text(chunks)).toBe('9.8 is larger.');
    expect(chunks.at(-1)?.usage).toMatchObject({
      prompt_tokens: 18,
      completion_tokens: 30,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 22 },
    });
    const { chunks: cached } = await run(streamDeepSeekCache);
    expect(cached.at(-1)?.usage).toEqual({
      prompt_tokens: 1290,
      completion_tokens: 3,
      total_tokens: 1293,
      prompt_cache_hit_tokens: 1152,
      prompt_cache_miss_tokens: 138,
      prompt_tokens_details: { cached_tokens: 1152 },
    });
  });

  it('OpenRouter: skips processing comments, copies `reasoning` to reasoning_content, keeps usage cost', async () => {
    const { chunks, error } = await run(streamOpenRouter, 9);
    expect(error).toBeUndefined();
    expect(chunks[0].choices[0].delta).toMatchObject({
      reasoning: 'Thinking briefly.',
      reasoning_content: 'Thinking briefly.',
    });
    expect(text(chunks)).toBe('Done.');
    expect(chunks.at(-1)?.usage).toMatchObject({ total_tokens: 21, cost: 0.0000226 });
  });

  it('Azure: drops the empty prompt_filter_results chunk and keeps content_filter_results', async () => {
    const { chunks, error } = await run(streamAzure);
    expect(error).toBeUndefined();
    expect(chunks[0]).toMatchObject({ id: 'chatcmpl-B9O1k2L3m4N5o6P7q8R9s0T1u2V3w', model: 'gpt-4o-2024-11-20' });
    expect(chunks.every((chunk) => chunk.id !== '' && chunk.created > 0)).toBe(true);
    expect(chunks[1].choices[0].content_filter_results).toMatchObject({ hate: { filtered: false } });
    expect(text(chunks)).toBe('Hello from Azure.');
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(16);
  });

  it('Ollama /v1: `reasoning` becomes reasoning_content; a whole tool call in one fragment', async () => {
    const { chunks, error } = await run(streamOllama);
    expect(error).toBeUndefined();
    expect(reasoning(chunks)).toBe('Need the weather tool.');
    expect(chunks[1].choices[0].delta.tool_calls).toEqual([
      {
        id: 'call_k2v9x1qz',
        index: 0,
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
      },
    ]);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 140, completion_tokens: 25, total_tokens: 165 });
  });

  it('fills id, created and model from the request when a server leaves them empty', async () => {
    const { chunks } = await run(
      'data: {"choices":[{"delta":{"content":"x"},"finish_reason":"eos"}]}\n\ndata: [DONE]\n\n',
    );
    expect(chunks).toEqual([
      {
        id: 'chatcmpl-fallback',
        object: 'chat.completion.chunk',
        created: 1_730_000_000,
        model: 'requested-model',
        choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }],
      },
    ]);
  });
});
