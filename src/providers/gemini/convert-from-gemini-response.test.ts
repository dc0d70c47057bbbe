import { describe, expect, it } from 'vitest';
import blockedPrompt from './__fixtures__/blocked-prompt-response.json' with { type: 'json' };
import cachedUsage from './__fixtures__/cached-usage-response.json' with { type: 'json' };
import { sequentialIds } from './__fixtures__/gemini-sse-body.ts';
import jsonResponse from './__fixtures__/json-response.json' with { type: 'json' };
import multipleCandidates from './__fixtures__/multiple-candidates-response.json' with { type: 'json' };
import parallelToolCalls from './__fixtures__/parallel-tool-calls-response.json' with { type: 'json' };
import reasoning from './__fixtures__/reasoning-response.json' with { type: 'json' };
import safety from './__fixtures__/safety-response.json' with { type: 'json' };
import text from './__fixtures__/text-response.json' with { type: 'json' };
import { convertFromGeminiResponse } from './convert-from-gemini-response.ts';

function convert(body: unknown) {
  return convertFromGeminiResponse(body, {
    id: 'chatcmpl-1',
    created: 1_730_000_000,
    model: 'requested-model',
    provider: 'google',
    generateId: sequentialIds(),
  });
}

describe('convertFromGeminiResponse', () => {
  it('converts a text answer with exact usage', () => {
    expect(convert(text)).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_730_000_000,
      model: 'gemini-2.0-flash',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello! How can I help you today?' },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 9,
        completion_tokens: 9,
        total_tokens: 18,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  });

  it('falls back to the requested model without modelVersion', () => {
    const { modelVersion: _dropped, ...withoutVersion } = text;
    expect(convert(withoutVersion).model).toBe('requested-model');
  });

  it('turns parallel function calls into tool_calls with generated ids', () => {
    const completion = convert(parallelToolCalls);
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            {
              id: 'call_2',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
            },
          ],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 64, completion_tokens: 116, total_tokens: 180 });
  });

  it('keeps thoughts apart as reasoning_content and counts them as completion tokens', () => {
    const completion = convert(reasoning);
    expect(completion.choices[0].message).toEqual({
      role: 'assistant',
      content: 'There are 3 r\'s in "strawberry".',
      reasoning_content: '**Counting the letters**\n\nI need to count each r in strawberry: s-t-r-a-w-b-e-r-r-y.',
    });
    expect(completion.usage).toEqual({
      prompt_tokens: 11,
      completion_tokens: 229,
      total_tokens: 240,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 217 },
    });
  });

  it('reports cached prompt tokens', () => {
    expect(convert(cachedUsage).usage).toEqual({
      prompt_tokens: 12040,
      completion_tokens: 60,
      total_tokens: 12100,
      prompt_tokens_details: { cached_tokens: 11980 },
      completion_tokens_details: { reasoning_tokens: 52 },
    });
  });

  it('maps candidates to choices by index', () => {
    const completion = convert(multipleCandidates);
    expect(completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason])).toEqual([
      [0, 'Blue.', 'stop'],
      [1, 'Azure, mostly.', 'length'],
    ]);
  });

  it('passes JSON mode text through unchanged', () => {
    expect(convert(jsonResponse).choices[0].message.content).toBe('{"city": "Oslo", "temperature_c": 12}');
  });

  it('maps a safety stop to content_filter with empty content', () => {
    const completion = convert(safety);
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: '' }, logprobs: null, finish_reason: 'content_filter' },
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 14, completion_tokens: 0, total_tokens: 14 });
  });

  it('maps a blocked prompt to one content_filter choice', () => {
    expect(convert(blockedPrompt).choices).toEqual([
      { index: 0, message: { role: 'assistant', content: '' }, logprobs: null, finish_reason: 'content_filter' },
    ]);
  });

  it('refuses a body that is not an object', () => {
    expect(() => convert([1])).toThrow(/google/);
  });
});
