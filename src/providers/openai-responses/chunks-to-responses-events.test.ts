import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import chunksReasoningTools from './__fixtures__/chunks-reasoning-tools.json';
import chunksText from './__fixtures__/chunks-text.json';
import { createResponsesEventBuilder } from './chunks-to-responses-events.ts';
import { chunksToResponsesSse } from './chunks-to-responses-sse.ts';
import { responsesEchoFrom } from './internal/responses-echo.ts';
import type { ResponsesStreamEvent } from './internal/responses-wire-types.ts';

function builder() {
  let next = 0;
  return createResponsesEventBuilder({
    id: 'resp_test',
    createdAt: 1730000000,
    echo: responsesEchoFrom({ instructions: 'Be brief.' }),
    generateId: (prefix) => `${prefix}${++next}`,
  });
}

function run(chunks: ChatCompletionChunk[]): ResponsesStreamEvent[] {
  const machine = builder();
  const events = machine.start(chunks[0]?.model ?? '');
  for (const chunk of chunks) events.push(...machine.push(chunk));
  events.push(...machine.finish());
  return events;
}

describe('createResponsesEventBuilder', () => {
  it('streams a text answer in the exact §2.3 order, numbered from 0, ending with the full response and usage', () => {
    const events = run(chunksText as ChatCompletionChunk[]);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[0]).toMatchObject({ response: { id: 'resp_test', status: 'in_progress', output: [], usage: null } });
    expect(events[2]).toEqual({
      type: 'response.output_item.added',
      sequence_number: 2,
      output_index: 0,
      item: { type: 'message', id: 'msg_1', status: 'in_progress', role: 'assistant', content: [] },
    });
    expect(events[3]).toMatchObject({
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
    });
    expect(events[4]).toMatchObject({ item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'Hi', logprobs: [] });
    expect(events[6]).toMatchObject({ text: 'Hi there.' });
    expect(events[8]).toMatchObject({ item: { status: 'completed', content: [{ text: 'Hi there.' }] } });
    expect(events[9]).toMatchObject({
      response: {
        status: 'completed',
        model: 'gpt-4.1-mini',
        instructions: 'Be brief.',
        output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hi there.' }] }],
        usage: { input_tokens: 9, output_tokens: 3, total_tokens: 12 },
      },
    });
  });

  it('streams reasoning summary, text, then parallel function calls with argument deltas', () => {
    const events = run(chunksReasoningTools as ChatCompletionChunk[]);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[6]).toMatchObject({ item_id: 'rs_1', output_index: 0, summary_index: 0, text: 'Two cities.' });
    expect(events[15]).toMatchObject({
      output_index: 2,
      item: {
        type: 'function_call',
        id: 'fc_3',
        call_id: 'toolu_01A',
        name: 'get_weather',
        arguments: '',
        status: 'in_progress',
      },
    });
    expect(events[16]).toMatchObject({ item_id: 'fc_3', output_index: 2, delta: '{"city":' });
    expect(events[18]).toMatchObject({
      item_id: 'fc_3',
      output_index: 2,
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
    });
    expect(events[20]).toMatchObject({ output_index: 3, item: { call_id: 'toolu_01B' } });
    const final = events.at(-1) as unknown as { response: { output: unknown[]; usage: unknown; status: string } };
    expect(final.response.status).toBe('completed');
    expect(final.response.output).toHaveLength(4);
    expect(final.response.output[3]).toMatchObject({ arguments: '{"city":"Lima"}', status: 'completed' });
    expect(final.response.usage).toMatchObject({ output_tokens_details: { reasoning_tokens: 12 } });
  });

  it('ends a length cut with response.incomplete', () => {
    const chunks = (chunksText as ChatCompletionChunk[]).map((chunk) =>
      chunk.choices[0]?.finish_reason
        ? { ...chunk, choices: [{ ...chunk.choices[0], finish_reason: 'length' as const }] }
        : chunk,
    );
    const final = run(chunks).at(-1);
    expect(final).toMatchObject({
      type: 'response.incomplete',
      response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } },
    });
  });

  it('fails with an error event (flat and nested shapes) then response.failed', () => {
    const machine = builder();
    const events = [
      ...machine.start('m'),
      ...machine.push((chunksText as ChatCompletionChunk[])[1] as ChatCompletionChunk),
    ];
    events.push(
      ...machine.fail(
        new GatewayError({ status: 502, type: 'upstream_error', code: 'stream_failed', message: 'boom' }),
      ),
    );
    const [error, failed] = events.slice(-2);
    expect(error).toEqual({
      type: 'error',
      sequence_number: events.length - 2,
      code: 'stream_failed',
      message: 'boom',
      param: null,
      error: { type: 'upstream_error', code: 'stream_failed', message: 'boom', param: null },
    });
    expect(failed).toMatchObject({
      type: 'response.failed',
      sequence_number: events.length - 1,
      response: { status: 'failed', error: { code: 'stream_failed', message: 'boom' }, output: [{ type: 'message' }] },
    });
  });
});

describe('chunksToResponsesSse', () => {
  it('frames events with event: lines and, on an upstream failure, ends with error + response.failed', async () => {
    const [first, second] = chunksText as ChatCompletionChunk[];
    let reads = 0;
    const rest = {
      read: async () => {
        reads++;
        if (reads === 1) return { done: false as const, value: second as ChatCompletionChunk };
        throw new GatewayError({ status: 502, code: 'upstream_connection_lost', message: 'dropped' });
      },
      cancel: async () => undefined,
    };
    const ends: unknown[] = [];
    const stream = chunksToResponsesSse({
      first: first as ChatCompletionChunk,
      rest,
      builder: builder(),
      onEnd: (outcome) => ends.push(outcome),
    });
    const text = await new Response(stream).text();
    const names = [...text.matchAll(/^event: (.+)$/gm)].map((match) => match[1]);
    expect(names).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'error',
      'response.failed',
    ]);
    expect(text).not.toContain('[DONE]');
    expect(text).toMatch(/event: error\ndata: \{"type":"error","sequence_number":5,/);
    expect(ends).toHaveLength(1);
  });
});
