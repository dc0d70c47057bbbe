import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import { convertToGeminiRequest } from './convert-to-gemini-request.ts';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};

function convert(partial: Partial<ChatRequest>): ReturnType<typeof convertToGeminiRequest> {
  return convertToGeminiRequest({ model: 'gemini-2.5-flash', messages: [], ...partial });
}

function conversionError(partial: Partial<ChatRequest>): GatewayError {
  try {
    convert(partial);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('convertToGeminiRequest', () => {
  it('sends a plain user message as one user content', () => {
    expect(convert({ messages: [{ role: 'user', content: 'Hello' }] })).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
    });
  });

  it('moves system and developer messages to systemInstruction', () => {
    expect(
      convert({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
          { role: 'user', content: 'Hi' },
        ],
      }),
    ).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
    });
  });

  it('alternates user/model turns and merges consecutive contents of one role', () => {
    expect(
      convert({
        messages: [
          { role: 'user', content: 'One' },
          { role: 'user', content: [{ type: 'text', text: 'Two' }] },
          { role: 'assistant', content: 'Three' },
          { role: 'assistant', content: [{ type: 'text', text: 'Four' }] },
          { role: 'user', content: 'Five' },
        ],
      }).contents,
    ).toEqual([
      { role: 'user', parts: [{ text: 'One' }, { text: 'Two' }] },
      { role: 'model', parts: [{ text: 'Three' }, { text: 'Four' }] },
      { role: 'user', parts: [{ text: 'Five' }] },
    ]);
  });

  it('sends data URL images inline and Gemini file URIs as fileData', () => {
    expect(
      convert({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these.' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
              { type: 'image_url', image_url: { url: 'gs://bucket/photos/cat.jpg' } },
              {
                type: 'image_url',
                image_url: { url: 'https://generativelanguage.googleapis.com/v1beta/files/abc123xyz' },
              },
            ],
          },
        ],
      }).contents,
    ).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'Compare these.' },
          { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
          { fileData: { fileUri: 'gs://bucket/photos/cat.jpg', mimeType: 'image/jpeg' } },
          { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123xyz' } },
        ],
      },
    ]);
  });

  it('refuses other remote image URLs without fetching them', () => {
    const error = conversionError({
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
    });
    expect(error.status).toBe(400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe('messages');
    expect(error.message).toContain('does not fetch client-supplied URLs');
  });

  it('sends audio and file data inline', () => {
    expect(
      convert({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
              { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
            ],
          },
        ],
      }).contents[0].parts,
    ).toEqual([
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
    ]);
  });

  it('declares all tools in one functionDeclarations entry with converted schemas', () => {
    expect(
      convert({ messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool], tool_choice: 'auto' }),
    ).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Weather?' }] }],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Current weather for a city',
              parameters: {
                type: 'OBJECT',
                properties: {
                  city: { type: 'STRING' },
                  unit: { type: 'STRING', enum: ['celsius', 'fahrenheit'] },
                },
                required: ['city'],
              },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
    });
  });

  it('omits parameters of a tool that takes none', () => {
    const body = convert({
      messages: [{ role: 'user', content: 'Time?' }],
      tools: [{ type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }],
    });
    expect(body.tools).toEqual([{ functionDeclarations: [{ name: 'now' }] }]);
    expect(body.toolConfig).toBeUndefined();
  });

  it.each([
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [
      { type: 'function', function: { name: 'get_weather' } },
      { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    ],
  ] as const)('maps tool_choice %j', (choice, expected) => {
    const body = convert({ messages: [{ role: 'user', content: 'x' }], tools: [weatherTool], tool_choice: choice });
    expect(body.toolConfig).toEqual({ functionCallingConfig: expected });
  });

  it('replays parallel calls and answers them in call order, by name', () => {
    const body = convertToGeminiRequest({
      model: 'gemini-2.0-flash',
      messages: [
        { role: 'user', content: 'Weather in Oslo and Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        // Results arrive out of order; Gemini matches them by position, so they go back in call order.
        { role: 'tool', tool_call_id: 'call_b', content: '14:05' },
        { role: 'tool', tool_call_id: 'call_a', content: '{"temperature_c":12,"sky":"clear"}' },
        { role: 'user', content: 'Thanks. Umbrella?' },
      ],
    });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Oslo and Paris?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temperature_c: 12, sky: 'clear' } } },
          { functionResponse: { name: 'get_time', response: { content: '14:05' } } },
          { text: 'Thanks. Umbrella?' },
        ],
      },
    ]);
  });

  it('puts the skip signature on the first replayed call for models that check signatures', () => {
    const body = convertToGeminiRequest({
      model: 'gemini-3-pro-preview',
      messages: [
        { role: 'user', content: 'Go' },
        {
          role: 'assistant',
          content: 'Calling.',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'a', arguments: '{}' } },
            { id: 'c2', type: 'function', function: { name: 'b', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
        { role: 'tool', tool_call_id: 'c2', content: '[1,2]' },
      ],
    });
    expect(body.contents[1]).toEqual({
      role: 'model',
      parts: [
        { text: 'Calling.' },
        { functionCall: { name: 'a', args: {} }, thoughtSignature: 'skip_thought_signature_validator' },
        { functionCall: { name: 'b', args: {} } },
      ],
    });
    expect(body.contents[2].parts[1]).toEqual({ functionResponse: { name: 'b', response: { content: '[1,2]' } } });
  });

  it('refuses a tool result that answers no call', () => {
    const error = conversionError({
      messages: [
        { role: 'user', content: 'x' },
        { role: 'tool', tool_call_id: 'call_missing', content: 'ok' },
      ],
    });
    expect(error.status).toBe(400);
    expect(error.param).toBe('messages');
  });

  it('maps sampling parameters into generationConfig', () => {
    expect(
      convert({
        messages: [{ role: 'user', content: 'x' }],
        max_tokens: 100,
        max_completion_tokens: 256,
        temperature: 0.3,
        top_p: 0.9,
        stop: 'END',
        seed: 7,
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
        n: 2,
        user: 'dropped',
        parallel_tool_calls: false,
      }).generationConfig,
    ).toEqual({
      maxOutputTokens: 256,
      temperature: 0.3,
      topP: 0.9,
      stopSequences: ['END'],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      candidateCount: 2,
    });
  });

  it('asks for JSON for json_object', () => {
    expect(
      convert({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } })
        .generationConfig,
    ).toEqual({ responseMimeType: 'application/json' });
  });

  it('sends a converted responseSchema for json_schema', () => {
    const body = convert({
      messages: [{ role: 'user', content: 'Weather as JSON' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'weather',
          strict: true,
          schema: {
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            type: 'object',
            properties: {
              city: { type: 'string', pattern: '^[A-Z]' },
              temperature_c: { type: ['number', 'null'] },
              kind: { const: 'report' },
              when: { $ref: '#/$defs/time' },
            },
            required: ['city', 'temperature_c', 'kind', 'when'],
            additionalProperties: false,
            $defs: { time: { type: 'string', format: 'date-time', description: 'ISO time' } },
          },
        },
      },
    });
    expect(body.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'OBJECT',
        properties: {
          city: { type: 'STRING' },
          temperature_c: { type: 'NUMBER', nullable: true },
          kind: { type: 'STRING', enum: ['report'] },
          when: { type: 'STRING', format: 'date-time', description: 'ISO time' },
        },
        required: ['city', 'temperature_c', 'kind', 'when'],
      },
    });
  });

  it('turns reasoning_effort into a thinking budget with thoughts included', () => {
    expect(convert({ messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'low' }).generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
    expect(convert({ messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'high' }).generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 24576, includeThoughts: true },
    });
    expect(convert({ messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'none' }).generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 0 },
    });
    expect(conversionError({ messages: [], reasoning_effort: 'extreme' }).param).toBe('reasoning_effort');
  });

  it('does not send reasoning text back', () => {
    expect(
      convert({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: 'y', reasoning_content: 'private thoughts' },
        ],
      }).contents[1],
    ).toEqual({ role: 'model', parts: [{ text: 'y' }] });
  });
});
