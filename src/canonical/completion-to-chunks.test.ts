import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from './chat-response.ts';
import { completionToChunks } from './completion-to-chunks.ts';

const envelope = { id: 'chatcmpl-1', created: 1_730_000_000, model: 'm-1' };

describe('completionToChunks', () => {
  it('a message with reasoning and tool calls: its delta, then the finish, then usage', () => {
    const completion: ChatCompletion = {
      ...envelope,
      object: 'chat.completion',
      system_fingerprint: 'fp_1',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            reasoning_content: 'Think first.',
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    };
    const chunk = { ...envelope, object: 'chat.completion.chunk', system_fingerprint: 'fp_1' };
    expect(completionToChunks(completion)).toEqual([
      {
        ...chunk,
        choices: [
          {
            index: 0,
            delta: {
              role: 'assistant',
              reasoning_content: 'Think first.',
              tool_calls: [
                {
                  index: 0,
                  id: 'call_a',
                  type: 'function',
                  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
                },
                { index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
              ],
            },
            logprobs: null,
            finish_reason: null,
          },
        ],
      },
      { ...chunk, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }] },
      { ...chunk, choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } },
    ]);
  });

  it('several choices keep their indexes; no usage, no usage chunk', () => {
    const chunks = completionToChunks({
      ...envelope,
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'One.' }, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'Two.', refusal: 'No.' }, finish_reason: 'length' },
      ],
    });
    expect(chunks).toHaveLength(2);
    expect(chunks[0]?.choices.map((choice) => choice.delta)).toEqual([
      { role: 'assistant', content: 'One.' },
      { role: 'assistant', content: 'Two.', refusal: 'No.' },
    ]);
    expect(chunks[1]?.choices.map((choice) => [choice.index, choice.finish_reason])).toEqual([
      [0, 'stop'],
      [1, 'length'],
    ]);
  });
});
