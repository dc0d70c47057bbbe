import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../../canonical/index.ts';
import { convertToAnthropicResponse } from './convert-to-anthropic-response.ts';
import { mapToAnthropicStopReason } from './map-to-anthropic-stop-reason.ts';

function completion(message: Record<string, unknown>, finish: string, usage?: Record<string, unknown>): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finish as 'stop' }],
    ...(usage ? { usage: usage as ChatCompletion['usage'] } : {}),
  };
}

const defaults = { id: 'msg_1', model: 'gpt-4o' };

describe('convertToAnthropicResponse', () => {
  it('turns text into a text block with end_turn and usage', () => {
    const message = convertToAnthropicResponse(
      completion({ content: 'Hello' }, 'stop', { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }),
      defaults,
    );
    expect(message).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-2024-08-06',
      content: [{ type: 'text', text: 'Hello' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it('turns parallel tool calls into tool_use blocks with parsed input', () => {
    const message = convertToAnthropicResponse(
      completion(
        {
          content: 'Checking.',
          tool_calls: [
            { id: 'call_A', type: 'function', function: { name: 'w', arguments: '{"city":"Oslo"}' } },
            { id: 'call_B', type: 'function', function: { name: 'w', arguments: '' } },
            { id: 'call_C', type: 'function', function: { name: 'w', arguments: 'not json' } },
          ],
        },
        'tool_calls',
      ),
      defaults,
    );
    expect(message.content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool_use', id: 'call_A', name: 'w', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_B', name: 'w', input: {} },
      { type: 'tool_use', id: 'call_C', name: 'w', input: {} },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('puts reasoning first as a thinking block, and subtracts cached tokens from input', () => {
    const message = convertToAnthropicResponse(
      completion({ content: '42', reasoning_content: 'Hmm.' }, 'length', {
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 10 },
      }),
      defaults,
    );
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Hmm.', signature: '' },
      { type: 'text', text: '42' },
    ]);
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.usage).toEqual({
      input_tokens: 30,
      output_tokens: 50,
      cache_creation_input_tokens: 10,
      cache_read_input_tokens: 60,
    });
  });

  it('reports a refusal as text with stop_reason refusal', () => {
    const message = convertToAnthropicResponse(completion({ refusal: 'I cannot help.' }, 'stop'), defaults);
    expect(message.content).toEqual([{ type: 'text', text: 'I cannot help.' }]);
    expect(message.stop_reason).toBe('refusal');
  });
});

describe('mapToAnthropicStopReason', () => {
  it('follows wire-formats §8.1 in reverse', () => {
    expect(mapToAnthropicStopReason('stop')).toBe('end_turn');
    expect(mapToAnthropicStopReason('length')).toBe('max_tokens');
    expect(mapToAnthropicStopReason('tool_calls')).toBe('tool_use');
    expect(mapToAnthropicStopReason('function_call')).toBe('tool_use');
    expect(mapToAnthropicStopReason('content_filter')).toBe('refusal');
    expect(mapToAnthropicStopReason(null)).toBe('end_turn');
    expect(mapToAnthropicStopReason('stop', true)).toBe('tool_use');
  });
});
