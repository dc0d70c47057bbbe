import { describe, expect, it } from 'vitest';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.ts';

describe('mapOpenAIFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['function_call', 'function_call'],
    ['max_tokens', 'length'],
    ['model_length', 'length'],
    ['tool_use', 'tool_calls'],
    ['eos', 'stop'],
    ['end_turn', 'stop'],
    [null, null],
    [undefined, null],
  ])('%s → %s', (reason, expected) => {
    expect(mapOpenAIFinishReason(reason)).toBe(expected);
  });
});
