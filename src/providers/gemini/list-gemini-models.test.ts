import { describe, expect, it } from 'vitest';
import pageOne from './__fixtures__/models-page-1.json' with { type: 'json' };
import pageTwo from './__fixtures__/models-page-2.json' with { type: 'json' };
import { parseGeminiModelList } from './list-gemini-models.ts';

describe('parseGeminiModelList', () => {
  it('keeps chat models, strips models/ and returns the next page token', () => {
    expect(parseGeminiModelList(pageOne)).toEqual({
      models: [
        {
          id: 'gemini-2.5-flash',
          kind: 'chat',
          ownedBy: 'google',
          displayName: 'Gemini 2.5 Flash',
          contextLength: 1048576,
        },
        {
          id: 'gemini-2.0-flash',
          kind: 'chat',
          ownedBy: 'google',
          displayName: 'Gemini 2.0 Flash',
          contextLength: 1048576,
        },
      ],
      nextPageToken: 'Ch5tb2RlbHMvZ2VtaW5pLTIuMC1mbGFzaC0wMDE=',
    });
  });

  it('marks embedding models and ends without a token', () => {
    expect(parseGeminiModelList(pageTwo)).toEqual({
      models: [
        {
          id: 'gemini-embedding-001',
          kind: 'embedding',
          ownedBy: 'google',
          displayName: 'Gemini Embedding 001',
          contextLength: 2048,
        },
      ],
    });
  });

  it('tolerates an empty body', () => {
    expect(parseGeminiModelList({})).toEqual({ models: [] });
    expect(parseGeminiModelList(null)).toEqual({ models: [] });
  });
});
