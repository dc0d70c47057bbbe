import { describe, expect, it } from 'vitest';
import { toMistralToolCallId } from './to-mistral-tool-call-id.ts';

describe('toMistralToolCallId', () => {
  it('keeps ids that already are 9 alphanumerics', () => {
    expect(toMistralToolCallId('D681PevKs')).toBe('D681PevKs');
  });

  it('derives a stable 9-alphanumeric id from any other id', () => {
    const ids = ['call_fLsKR5vGllhbWxvpqsDT3jBj', 'toolu_01Oslo7xYtQ', 'call_1', 'call_2', '', 'chatcmpl-tool-1a2b'];
    const converted = ids.map(toMistralToolCallId);
    for (const id of converted) expect(id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(new Set(converted).size).toBe(ids.length);
    expect(ids.map(toMistralToolCallId)).toEqual(converted);
  });
});
