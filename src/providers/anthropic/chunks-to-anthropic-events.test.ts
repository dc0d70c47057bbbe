import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChunkChoice } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import { anthropicEventsToSse } from './anthropic-events-to-sse.ts';
import { chunksToAnthropicEvents } from './chunks-to-anthropic-events.ts';

function chunk(delta: ChunkChoice['delta'], finish: string | null = null): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish as ChunkChoice['finish_reason'] }],
  };
}

const usageChunk: ChatCompletionChunk = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [],
  usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27, prompt_tokens_details: { cached_tokens: 5 } },
};

/** Runs chunks through the writer and returns the events as `[name, data]`. */
function run(chunks: ChatCompletionChunk[]): Array<[string, Record<string, unknown>]> {
  let ids = 0;
  const writer = chunksToAnthropicEvents({ id: 'msg_1', model: 'asked', generateToolId: () => `toolu_gen${ids++}` });
  const events = [...chunks.flatMap((value) => writer.push(value)), ...writer.finish()];
  return events.map((event) => {
    const data = JSON.parse(event.data) as Record<string, unknown>;
    expect(data.type).toBe(event.event);
    return [event.event as string, data];
  });
}

describe('chunksToAnthropicEvents', () => {
  it('streams text: message_start, ping, one text block, message_delta with usage, message_stop', () => {
    const events = run([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({}, 'stop'),
      usageChunk,
    ]);
    expect(events).toEqual([
      [
        'message_start',
        {
          type: 'message_start',
          message: {
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            model: 'gpt-4o-mini',
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
          },
        },
      ],
      ['ping', { type: 'ping' }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      [
        'message_delta',
        {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { input_tokens: 15, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 5 },
        },
      ],
      ['message_stop', { type: 'message_stop' }],
    ]);
  });

  it('streams thinking, text, then parallel tool calls as blocks indexed over all blocks', () => {
    const events = run([
      chunk({ role: 'assistant', content: '' }),
      chunk({ reasoning_content: 'Let me think.' }),
      chunk({ content: 'Checking.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_A', type: 'function', function: { name: 'w', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }),
      chunk({ tool_calls: [{ index: 1, type: 'function', function: { name: 'w', arguments: '{"city":"Lima"}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    const shape = events
      .filter(([name]) => name.startsWith('content_block'))
      .map(([name, data]) => [name, data.index, data.content_block ?? data.delta ?? null]);
    expect(shape).toEqual([
      ['content_block_start', 0, { type: 'thinking', thinking: '', signature: '' }],
      ['content_block_delta', 0, { type: 'thinking_delta', thinking: 'Let me think.' }],
      ['content_block_stop', 0, null],
      ['content_block_start', 1, { type: 'text', text: '' }],
      ['content_block_delta', 1, { type: 'text_delta', text: 'Checking.' }],
      ['content_block_stop', 1, null],
      ['content_block_start', 2, { type: 'tool_use', id: 'call_A', name: 'w', input: {} }],
      ['content_block_delta', 2, { type: 'input_json_delta', partial_json: '{"city":' }],
      ['content_block_delta', 2, { type: 'input_json_delta', partial_json: '"Oslo"}' }],
      ['content_block_stop', 2, null],
      ['content_block_start', 3, { type: 'tool_use', id: 'toolu_gen0', name: 'w', input: {} }],
      ['content_block_delta', 3, { type: 'input_json_delta', partial_json: '{"city":"Lima"}' }],
      ['content_block_stop', 3, null],
    ]);
    expect(events.at(-2)?.[1]).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('maps length to max_tokens, content_filter to refusal, and takes input usage on message_start when known', () => {
    const first = { ...chunk({ content: 'x' }), usage: { prompt_tokens: 11, completion_tokens: 0, total_tokens: 11 } };
    const events = run([first, chunk({}, 'length')]);
    expect(events[0]?.[1]).toMatchObject({ message: { usage: { input_tokens: 11, output_tokens: 0 } } });
    expect(events.at(-2)?.[1]).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
    expect(run([chunk({ content: 'x' }), chunk({}, 'content_filter')]).at(-2)?.[1]).toMatchObject({
      delta: { stop_reason: 'refusal' },
    });
  });

  it('refuses arguments for a tool call whose block is already closed', () => {
    const writer = chunksToAnthropicEvents({ id: 'msg_1', model: 'm', generateToolId: () => 'toolu_x' });
    writer.push(chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{' } }] }));
    writer.push(chunk({ tool_calls: [{ index: 1, id: 'b', function: { name: 'g', arguments: '{}' } }] }));
    expect(() => writer.push(chunk({ tool_calls: [{ index: 0, function: { arguments: '}' } }] }))).toThrow(
      GatewayError,
    );
  });
});

describe('anthropicEventsToSse', () => {
  async function body(stream: ReadableStream<Uint8Array>): Promise<string> {
    return new Response(stream).text();
  }

  it('ends a stream that fails after it started with an error event and no message_stop', async () => {
    const source = new ReadableStream<ChatCompletionChunk>({
      start(controller) {
        controller.enqueue(chunk({ content: 'partial' }));
      },
      pull(controller) {
        controller.error(new GatewayError({ status: 503, type: 'server_error', message: 'Overloaded' }));
      },
    });
    const rest = source.getReader();
    const first = (await rest.read()).value as ChatCompletionChunk;
    let ended: unknown;
    const text = await body(
      anthropicEventsToSse({
        first,
        rest,
        writer: chunksToAnthropicEvents({ id: 'msg_1', model: 'm', generateToolId: () => 'toolu_x' }),
        errorBody: (error) => ({ type: 'error', error: { type: 'overloaded_error', message: String(error) } }),
        onEnd: ({ error }) => {
          ended = error;
        },
      }),
    );
    expect(text).toContain('event: content_block_delta\ndata: {"type":"content_block_delta","index":0');
    expect(text.trimEnd().split('\n\n').at(-1)).toMatch(
      /^event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error"/,
    );
    expect(text).not.toContain('message_stop');
    expect(ended).toBeInstanceOf(GatewayError);
  });

  it('sends event: ping while the upstream is silent', async () => {
    let release: (() => void) | undefined;
    const source = new ReadableStream<ChatCompletionChunk>({
      start(controller) {
        controller.enqueue(chunk({ content: 'a' }));
      },
      async pull(controller) {
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        controller.enqueue(chunk({}, 'stop'));
        controller.close();
      },
    });
    const rest = source.getReader();
    const first = (await rest.read()).value as ChatCompletionChunk;
    const stream = anthropicEventsToSse({
      first,
      rest,
      writer: chunksToAnthropicEvents({ id: 'msg_1', model: 'm', generateToolId: () => 'toolu_x' }),
      errorBody: () => ({}),
      pingIntervalMs: 20,
    });
    setTimeout(() => release?.(), 120);
    const text = await body(stream);
    expect(text.match(/event: ping/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(text.trimEnd().endsWith('event: message_stop\ndata: {"type":"message_stop"}')).toBe(true);
  });
});
