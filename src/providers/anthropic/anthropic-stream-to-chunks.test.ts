import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import { translateSseText } from '../../streaming/__fixtures__/translate-sse-text.ts';
import streamError from './__fixtures__/stream-error.sse?raw';
import streamJsonSchema from './__fixtures__/stream-json-schema.sse?raw';
import streamText from './__fixtures__/stream-text.sse?raw';
import streamThinking from './__fixtures__/stream-thinking.sse?raw';
import streamToolCalls from './__fixtures__/stream-tool-calls.sse?raw';
import streamTruncated from './__fixtures__/stream-truncated.sse?raw';
import { type AnthropicStreamDefaults, anthropicStreamToChunks } from './anthropic-stream-to-chunks.ts';

const defaults: AnthropicStreamDefaults = {
  id: 'chatcmpl-fallback',
  created: 1730000000,
  model: 'claude-sonnet-4-5',
  provider: 'anthropic',
};

/** Feeds SSE text as bytes, cut every `pieceSize` bytes (0: one piece), through the parser and the state machine. */
async function run(
  text: string,
  options: { pieceSize?: number; streamDefaults?: AnthropicStreamDefaults } = {},
): Promise<{ chunks: ChatCompletionChunk[]; error?: unknown }> {
  const translator = anthropicStreamToChunks(options.streamDefaults ?? defaults);
  const { values, error } = await translateSseText(text, translator, options.pieceSize);
  return { chunks: values, error };
}

const deltas = (chunks: ChatCompletionChunk[]) =>
  chunks.filter((chunk) => chunk.choices.length > 0).map((c) => c.choices[0]);

describe('anthropicStreamToChunks', () => {
  it('streams text: role chunk, content, finish chunk, then one usage chunk', async () => {
    const { chunks, error } = await run(streamText);
    expect(error).toBeUndefined();
    const envelope = {
      id: 'msg_01StreamText7pQ',
      object: 'chat.completion.chunk',
      created: 1730000000,
      model: 'claude-sonnet-4-5-20250929',
    };
    const choice = (delta: object, finish_reason: string | null = null) => ({
      ...envelope,
      choices: [{ index: 0, delta, logprobs: null, finish_reason }],
    });
    expect(chunks).toEqual([
      choice({ role: 'assistant', content: '' }),
      choice({ content: 'Hello' }),
      choice({ content: ' wörld 👋' }),
      choice({}, 'stop'),
      {
        ...envelope,
        choices: [],
        usage: {
          prompt_tokens: 25 + 10 + 100,
          completion_tokens: 15,
          total_tokens: 150,
          prompt_tokens_details: { cached_tokens: 100, cache_write_tokens: 10 },
        },
      },
    ]);
  });

  it('streams parallel tool calls numbered 0..n-1 with argument fragments', async () => {
    const { chunks, error } = await run(streamToolCalls);
    expect(error).toBeUndefined();
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(['msg_01StreamTools3kR']));
    expect(deltas(chunks)).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: 'Checking both cities.' }, logprobs: null, finish_reason: null },
      ...[
        { index: 0, id: 'toolu_01Oslo7xYtQ', type: 'function', function: { name: 'get_weather', arguments: '' } },
        { index: 0, function: { arguments: '{"city": "Os' } },
        { index: 0, function: { arguments: 'lo"}' } },
        { index: 1, id: 'toolu_01Bergen8zRk', type: 'function', function: { name: 'get_weather', arguments: '' } },
        { index: 1, function: { arguments: '{"ci' } },
        { index: 1, function: { arguments: 'ty": "Bergen"}' } },
        { index: 2, id: 'toolu_01Clock2mNp', type: 'function', function: { name: 'get_time', arguments: '' } },
        // A tool streamed without any JSON gets `{}` so clients can parse its arguments.
        { index: 2, function: { arguments: '{}' } },
      ].map((toolCall) => ({ index: 0, delta: { tool_calls: [toolCall] }, logprobs: null, finish_reason: null })),
      { index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' },
    ]);
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561 },
    });
  });

  it('streams thinking as reasoning_content and drops signatures and redacted thinking', async () => {
    const { chunks } = await run(streamThinking);
    expect(deltas(chunks).map((choice) => [choice.delta, choice.finish_reason])).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{ reasoning_content: '27 is 3 cubed,' }, null],
      [{ reasoning_content: ' so the root is 3.' }, null],
      [{ content: 'The cube root of 27 is 3.' }, null],
      [{}, 'length'],
    ]);
  });

  it('streams the answer tool of a json_schema request as content that finishes with stop', async () => {
    const { chunks } = await run(streamJsonSchema, { streamDefaults: { ...defaults, answerToolName: 'city_info' } });
    const choices = deltas(chunks);
    expect(choices.map((choice) => choice.delta.content ?? '').join('')).toBe('{"city": "Oslo", "population": 709037}');
    expect(choices.some((choice) => choice.delta.tool_calls)).toBe(false);
    expect(choices.at(-1)?.finish_reason).toBe('stop');
  });

  it('errors with a retryable 503 on an overloaded error event, after the content already sent', async () => {
    const { chunks, error } = await run(streamError);
    expect(deltas(chunks).map((choice) => choice.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
    ]);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 503, isRetryable: true, provider: 'anthropic' });
  });

  it('errors on an error event whose data is not JSON', async () => {
    const { error } = await run(`${streamTruncated}event: error\ndata: upstream went away\n\n`);
    expect(error).toMatchObject({
      status: 502,
      isRetryable: true,
      message: "The provider reported an error mid-stream (provider 'anthropic')",
    });
  });

  it('errors when the stream ends without message_stop', async () => {
    const { chunks, error } = await run(streamTruncated);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_stream_truncated', isRetryable: true });
  });

  it('errors when message_delta arrived but message_stop did not', async () => {
    const cut = streamText.slice(0, streamText.indexOf('event: message_stop'));
    const { chunks, error } = await run(cut);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(error).toMatchObject({ code: 'upstream_stream_truncated' });
  });

  it.each([1, 2, 3, 7, 13, 64])('gives the same chunks with CRLF lines cut every %i bytes', async (pieceSize) => {
    const expected = await run(streamToolCalls);
    const crlf = await run(streamToolCalls.replace(/\n/g, '\r\n'), { pieceSize });
    expect(crlf).toEqual(expected);
    const text = await run(streamText.replace(/\n/g, '\r\n'), { pieceSize });
    expect(text).toEqual(await run(streamText));
  });

  it('ignores unknown events and block types, and events after message_stop', async () => {
    const extra = [
      'event: content_block_start',
      'data: {"type":"content_block_start","index":5,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}',
      '',
      'event: content_block_delta',
      'data: {"type":"content_block_delta","index":5,"delta":{"type":"input_json_delta","partial_json":"{\\"q\\":1}"}}',
      '',
      'event: content_block_delta',
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}',
      '',
      'event: brand_new_event',
      'data: {"type":"brand_new_event","anything":true}',
      '',
      '',
    ].join('\n');
    const input = streamText.replace('event: message_delta', `${extra}event: message_delta`) + streamText;
    const { chunks, error } = await run(input);
    expect({ chunks, error }).toEqual(await run(streamText));
  });
});
