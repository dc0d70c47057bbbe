import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.ts';
import cached from './__fixtures__/response-cached.json';
import jsonSchema from './__fixtures__/response-json-schema.json';
import parallelTools from './__fixtures__/response-parallel-tools.json';
import refusal from './__fixtures__/response-refusal.json';
import text from './__fixtures__/response-text.json';
import thinking from './__fixtures__/response-thinking.json';
import toolUse from './__fixtures__/response-tool-use.json';
import { convertFromAnthropicResponse } from './convert-from-anthropic-response.ts';

const defaults = { id: 'chatcmpl-fallback', created: 1730000000, model: 'claude-sonnet-4-5', provider: 'anthropic' };

describe('convertFromAnthropicResponse', () => {
  it('converts a text answer with exact usage', () => {
    expect(convertFromAnthropicResponse(text, defaults)).toEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      created: 1730000000,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 11,
        total_tokens: 23,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      },
    });
  });

  it('counts cache reads and writes into prompt tokens; stop_sequence finishes with stop', () => {
    const completion = convertFromAnthropicResponse(cached, defaults);
    expect(completion.usage).toEqual({
      prompt_tokens: 21 + 188 + 1800,
      completion_tokens: 14,
      total_tokens: 21 + 188 + 1800 + 14,
      prompt_tokens_details: { cached_tokens: 1800, cache_write_tokens: 188 },
    });
    expect(completion.choices[0].finish_reason).toBe('stop');
  });

  it('turns tool_use blocks into tool calls with JSON-string arguments', () => {
    const completion = convertFromAnthropicResponse(toolUse, defaults);
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: "I'll check the weather in Oslo.",
        refusal: null,
        tool_calls: [
          {
            id: 'toolu_01A09q90qw90lq917835lq9',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo","unit":"celsius"}' },
          },
        ],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
  });

  it('gives null content when the answer is only parallel tool calls', () => {
    const message = convertFromAnthropicResponse(parallelTools, defaults).choices[0].message;
    expect(message.content).toBeNull();
    expect(message.tool_calls).toEqual([
      { id: 'toolu_01Oslo7xYtQ', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      { id: 'toolu_01Bergen8zRk', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Bergen"}' } },
      { id: 'toolu_01Clock2mNp', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
  });

  it('puts thinking into reasoning_content and drops redacted thinking and signatures', () => {
    const message = convertFromAnthropicResponse(thinking, defaults).choices[0].message;
    expect(message).toEqual({
      role: 'assistant',
      content: 'The cube root of 27 is 3.',
      refusal: null,
      reasoning_content: '27 is 3 cubed, so its cube root is 3.',
    });
  });

  it('returns the answer tool input as JSON content that finishes with stop', () => {
    const choice = convertFromAnthropicResponse(jsonSchema, { ...defaults, answerToolName: 'city_info' }).choices[0];
    expect(choice.message).toEqual({
      role: 'assistant',
      content: '{"city":"Oslo","population":709037}',
      refusal: null,
    });
    expect(choice.finish_reason).toBe('stop');
  });

  it('maps a refusal to content_filter', () => {
    const choice = convertFromAnthropicResponse(refusal, defaults).choices[0];
    expect(choice.finish_reason).toBe('content_filter');
    expect(choice.message.content).toBe('');
  });

  it('rejects a body without content as an upstream error', () => {
    expect(() => convertFromAnthropicResponse({ type: 'message' }, defaults)).toThrow(GatewayError);
  });
});
