import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import { translateSseStream } from '../../streaming/translate-sse-stream.ts';
import {
  byteStream,
  collect,
  collectUntilError,
  frameGeminiSse,
  sequentialIds,
} from './__fixtures__/gemini-sse-body.ts';
import streamError from './__fixtures__/stream-error.json' with { type: 'json' };
import streamReasoning from './__fixtures__/stream-reasoning.json' with { type: 'json' };
import streamText from './__fixtures__/stream-text.json' with { type: 'json' };
import streamToolCalls from './__fixtures__/stream-tool-calls.json' with { type: 'json' };
import streamTruncated from './__fixtures__/stream-truncated.json' with { type: 'json' };
import { geminiStreamToChunks } from './gemini-stream-to-chunks.ts';

function chunksOf(body: string, readSizes?: number[]): ReadableStream<ChatCompletionChunk> {
  return translateSseStream(
    byteStream(body, readSizes),
    geminiStreamToChunks({
      id: 'chatcmpl-1',
      created: 1_730_000_000,
      model: 'requested-model',
      provider: 'google',
      generateId: sequentialIds(),
    }),
  );
}

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_730_000_000 };

describe('geminiStreamToChunks', () => {
  it('streams text, a finish chunk and one usage chunk at the end', async () => {
    const body = frameGeminiSse(streamText.events);
    expect(body).toContain('\r\n\r\n');
    expect(await collect(chunksOf(body))).toEqual([
      {
        ...base,
        model: 'gemini-2.0-flash',
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      },
      {
        ...base,
        model: 'gemini-2.0-flash',
        choices: [{ index: 0, delta: { content: 'Hel' }, logprobs: null, finish_reason: null }],
      },
      {
        ...base,
        model: 'gemini-2.0-flash',
        choices: [{ index: 0, delta: { content: 'lo, wörld 👋' }, logprobs: null, finish_reason: null }],
      },
      { ...base, model: 'gemini-2.0-flash', choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
      {
        ...base,
        model: 'gemini-2.0-flash',
        choices: [],
        usage: {
          prompt_tokens: 5,
          completion_tokens: 4,
          total_tokens: 9,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      },
    ]);
  });

  it('gives the same chunks however the bytes are split', async () => {
    const body = frameGeminiSse(streamText.events);
    const whole = await collect(chunksOf(body));
    for (const sizes of [[1], [2], [3], [7], [5, 1, 13], [64]]) {
      expect(await collect(chunksOf(body, sizes))).toEqual(whole);
    }
  });

  it('accepts LF framing as well as CRLF', async () => {
    const lf = frameGeminiSse(streamText.events).replaceAll('\r\n', '\n');
    expect(await collect(chunksOf(lf))).toEqual(await collect(chunksOf(frameGeminiSse(streamText.events))));
  });

  it('streams parallel function calls as whole tool-call deltas indexed 0..n-1', async () => {
    const chunks = await collect(chunksOf(frameGeminiSse(streamToolCalls.events), [9]));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? chunk.usage)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Checking both cities.' },
      {
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      {
        tool_calls: [
          {
            index: 1,
            id: 'call_2',
            type: 'function',
            function: { name: 'get_time', arguments: '{"timezone":"Europe/Paris"}' },
          },
        ],
      },
      {},
      {
        prompt_tokens: 64,
        completion_tokens: 86,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 46 },
      },
    ]);
    expect(chunks[4].choices[0].finish_reason).toBe('tool_calls');
    expect(new Set(chunks.map((chunk) => `${chunk.id} ${chunk.created} ${chunk.model}`))).toEqual(
      new Set(['chatcmpl-1 1730000000 gemini-2.5-flash']),
    );
  });

  it('streams thoughts as reasoning_content, never as content', async () => {
    const chunks = await collect(chunksOf(frameGeminiSse(streamReasoning.events)));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: '**Planning the answer**\n\nThe user wants a haiku.' },
      { content: 'Autumn moonlight' },
      {},
      undefined,
    ]);
    expect(chunks.at(-1)?.usage).toMatchObject({
      completion_tokens: 116,
      completion_tokens_details: { reasoning_tokens: 112 },
    });
  });

  it('errors with a mapped GatewayError on a mid-stream error event', async () => {
    const { items, error } = await collectUntilError(chunksOf(frameGeminiSse(streamError.events)));
    expect(items.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Once upon' },
    ]);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 503, isRetryable: true, provider: 'google' });
    expect((error as Error).message).toContain("(provider 'google')");
  });

  it('errors when the stream ends before a finish reason', async () => {
    const { items, error } = await collectUntilError(chunksOf(frameGeminiSse(streamTruncated.events)));
    expect(items).toHaveLength(3);
    expect(error).toMatchObject({ status: 502, code: 'upstream_stream_truncated', isRetryable: true });
  });

  it('errors on an empty stream and on an event cut off at EOF', async () => {
    expect((await collectUntilError(chunksOf(''))).error).toMatchObject({ code: 'upstream_stream_truncated' });
    const cut = frameGeminiSse(streamText.events).slice(0, -40);
    expect((await collectUntilError(chunksOf(cut))).error).toBeInstanceOf(GatewayError);
  });

  it('errors on an event that is not JSON', async () => {
    expect((await collectUntilError(chunksOf('data: {oops\r\n\r\n'))).error).toMatchObject({
      code: 'invalid_upstream_stream',
    });
  });

  it('finishes a blocked prompt with content_filter', async () => {
    const body = frameGeminiSse([
      {
        promptFeedback: { blockReason: 'SAFETY' },
        usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
        modelVersion: 'gemini-2.5-flash',
        responseId: 'x1',
      },
    ]);
    const chunks = await collect(chunksOf(body));
    expect(chunks.map((chunk) => [chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason])).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{}, 'content_filter'],
      [undefined, undefined],
    ]);
    expect(chunks[2].usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 0, total_tokens: 8 });
  });

  it('maps each candidate to its own choice index', async () => {
    const event = (index: number, text: string, finishReason?: string) => ({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, index, ...(finishReason ? { finishReason } : {}) }],
      modelVersion: 'gemini-2.0-flash',
    });
    const chunks = await collect(
      chunksOf(frameGeminiSse([event(0, 'A'), event(1, 'B'), event(0, '!', 'STOP'), event(1, '?', 'MAX_TOKENS')])),
    );
    expect(
      chunks.map((chunk) => [chunk.choices[0].index, chunk.choices[0].delta, chunk.choices[0].finish_reason]),
    ).toEqual([
      [0, { role: 'assistant', content: '' }, null],
      [0, { content: 'A' }, null],
      [1, { role: 'assistant', content: '' }, null],
      [1, { content: 'B' }, null],
      [0, { content: '!' }, null],
      [0, {}, 'stop'],
      [1, { content: '?' }, null],
      [1, {}, 'length'],
    ]);
  });
});
