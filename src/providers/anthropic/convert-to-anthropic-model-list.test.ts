import { describe, expect, it } from 'vitest';
import { toAnthropicModel, toAnthropicModelPage } from './convert-to-anthropic-model-list.ts';
import { estimateAnthropicInputTokens } from './estimate-anthropic-input-tokens.ts';

const models = ['a', 'b', 'c'].map((id) => toAnthropicModel({ id, created: 1_759_104_000 }));

describe('toAnthropicModelPage', () => {
  it('shapes entries like Anthropic, with RFC 3339 created_at', () => {
    expect(models[0]).toEqual({ type: 'model', id: 'a', display_name: 'a', created_at: '2025-09-29T00:00:00Z' });
  });

  it('pages with limit, after_id and before_id', () => {
    expect(toAnthropicModelPage(models, {})).toEqual({ data: models, has_more: false, first_id: 'a', last_id: 'c' });
    expect(toAnthropicModelPage(models, { limit: '2' })).toMatchObject({ has_more: true, first_id: 'a', last_id: 'b' });
    expect(toAnthropicModelPage(models, { limit: '2', after_id: 'b' })).toMatchObject({
      has_more: false,
      first_id: 'c',
      last_id: 'c',
    });
    expect(toAnthropicModelPage(models, { limit: '1', before_id: 'c' })).toMatchObject({
      has_more: true,
      first_id: 'b',
      last_id: 'b',
    });
  });
});

describe('estimateAnthropicInputTokens', () => {
  it('counts the characters of system, messages and tools over four, rounded up', () => {
    const messages = [{ role: 'user', content: 'hello' }];
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    const characters = 'sys!'.length + JSON.stringify(messages).length + JSON.stringify(tools).length;
    expect(estimateAnthropicInputTokens({ model: 'm', system: 'sys!', messages, tools })).toBe(
      Math.ceil(characters / 4),
    );
  });
});
