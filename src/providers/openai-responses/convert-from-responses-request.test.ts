import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.ts';
import requestMultiTurn from './__fixtures__/request-multi-turn.json';
import requestText from './__fixtures__/request-text.json';
import { convertFromResponsesRequest, findNativeOnlyFeature } from './convert-from-responses-request.ts';

function rejection(body: Record<string, unknown>): GatewayError {
  try {
    convertFromResponsesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('convertFromResponsesRequest', () => {
  it('turns instructions and a string input into system and user messages, renaming the settings', () => {
    expect(convertFromResponsesRequest(requestText)).toEqual({
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hi.' },
      ],
      stream: true,
      max_completion_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
    });
  });

  it('converts multi-turn items: image parts, an assistant turn with parallel calls, their outputs, tools, format, effort', () => {
    const request = convertFromResponsesRequest(requestMultiTurn);
    expect(request.messages).toEqual([
      { role: 'developer', content: 'Use tools when useful.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather in Oslo and Lima? Here is a map.' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'low' } },
        ],
      },
      {
        role: 'assistant',
        content: 'Checking both.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lima"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '12C, rain' },
      { role: 'tool', tool_call_id: 'call_2', content: '24C, sun' },
      { role: 'user', content: 'Which is warmer?' },
    ]);
    expect(request.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
      },
    ]);
    expect(request.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(request.parallel_tool_calls).toBe(false);
    expect(request.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
    });
    expect(request.reasoning_effort).toBe('low');
    expect(request.stream).toBeUndefined();
  });

  it('starts an assistant message for a call with no text before it, and maps json_object', () => {
    const request = convertFromResponsesRequest({
      model: 'm',
      input: [
        { role: 'user', content: 'go' },
        { type: 'function_call', call_id: 'call_9', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_9', output: 'ok' },
      ],
      text: { format: { type: 'json_object' } },
    });
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'f', arguments: '{}' } }],
    });
    expect(request.response_format).toEqual({ type: 'json_object' });
  });

  it('refuses what Chat cannot carry, naming the field', () => {
    expect(
      rejection({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] }).param,
    ).toBe('input[0].content[0]');
    expect(rejection({ model: 'm', input: [{ type: 'web_search_call', id: 'ws_1' }] }).param).toBe('input[0]');
    expect(rejection({ model: 'm', input: 'x', tool_choice: { type: 'web_search_preview' } }).param).toBe(
      'tool_choice',
    );
    expect(rejection({ model: 'm', input: 'x', max_output_tokens: 'many' }).param).toBe('max_output_tokens');
    expect(rejection({ model: 'm' }).param).toBe('input');
    expect(rejection({ model: 'm', input: 'x', text: { format: { type: 'yaml' } } }).param).toBe('text.format.type');
    const imageOutput = rejection({
      model: 'm',
      input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'x' }] }],
    });
    expect([imageOutput.status, imageOutput.param]).toEqual([400, 'input[0].output[0]']);
  });
});

describe('findNativeOnlyFeature', () => {
  it('names previous_response_id, built-in tools, item references, conversations', () => {
    expect(findNativeOnlyFeature({ model: 'm', input: 'x', previous_response_id: 'resp_1' })?.param).toBe(
      'previous_response_id',
    );
    expect(
      findNativeOnlyFeature({
        model: 'm',
        input: 'x',
        tools: [{ type: 'function', name: 'f' }, { type: 'web_search' }],
      })?.param,
    ).toBe('tools[1]');
    expect(findNativeOnlyFeature({ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] })?.param).toBe(
      'input[0]',
    );
    expect(findNativeOnlyFeature({ model: 'm', input: 'x', conversation: 'conv_1' })?.param).toBe('conversation');
    expect(findNativeOnlyFeature(requestMultiTurn)).toBeUndefined();
  });
});
