import { describe, expect, it } from 'vitest';
import page1 from './__fixtures__/models-page-1.json';
import page2 from './__fixtures__/models-page-2.json';
import { anthropicModelsUrl, parseAnthropicModelList } from './list-anthropic-models.ts';

describe('parseAnthropicModelList', () => {
  it('reads a page and the cursor of the next one', () => {
    expect(parseAnthropicModelList(page1)).toEqual({
      models: [
        {
          id: 'claude-sonnet-4-5-20250929',
          kind: 'chat',
          ownedBy: 'anthropic',
          displayName: 'Claude Sonnet 4.5',
          created: Date.UTC(2025, 8, 29) / 1000,
        },
        {
          id: 'claude-opus-4-1-20250805',
          kind: 'chat',
          ownedBy: 'anthropic',
          displayName: 'Claude Opus 4.1',
          created: Date.UTC(2025, 7, 5) / 1000,
        },
      ],
      nextAfterId: 'claude-opus-4-1-20250805',
    });
  });

  it('stops on the last page and skips malformed entries', () => {
    expect(parseAnthropicModelList(page2).nextAfterId).toBeUndefined();
    expect(parseAnthropicModelList({ data: [null, { id: '' }, { id: 'x', created_at: 'soon' }] })).toEqual({
      models: [{ id: 'x', kind: 'chat', ownedBy: 'anthropic' }],
    });
    expect(parseAnthropicModelList('nope')).toEqual({ models: [] });
  });

  it('builds page URLs with after_id', () => {
    expect(anthropicModelsUrl('https://api.anthropic.com/v1', undefined)).toBe('https://api.anthropic.com/v1/models');
    expect(anthropicModelsUrl('https://api.anthropic.com/v1', 'claude-opus-4-1-20250805')).toBe(
      'https://api.anthropic.com/v1/models?after_id=claude-opus-4-1-20250805',
    );
  });
});
