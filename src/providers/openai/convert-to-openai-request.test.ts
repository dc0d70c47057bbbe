import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/index.ts';
import { convertToOpenAIRequest } from './convert-to-openai-request.ts';
import { detectOpenAIDialect } from './internal/detect-openai-dialect.ts';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** A conversation with every message kind: system, multi-turn, image, parallel tool calls and their results. */
const conversation: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: 'Hello! How can I help?' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather where this was taken, and in Bergen?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_fLsKR5vGllhbWxvpqsDT3jBj',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
        },
        {
          id: 'toolu_01Bergen8zRk',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Bergen"}' },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_fLsKR5vGllhbWxvpqsDT3jBj', content: '12°C, cloudy' },
    { role: 'tool', tool_call_id: 'toolu_01Bergen8zRk', content: '9°C, rain' },
  ],
  tools: [weatherTool],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  response_format: { type: 'json_object' },
  max_completion_tokens: 256,
  temperature: 0.2,
};

describe('convertToOpenAIRequest', () => {
  it('passes every message kind, tools, tool results and JSON mode through unchanged', () => {
    expect(convertToOpenAIRequest(conversation)).toEqual(conversation);
  });

  it('keeps fields it does not know (reasoning_effort, vendor extensions)', () => {
    const request = { ...conversation, reasoning_effort: 'low', top_k: 40 } as ChatRequest;
    expect(convertToOpenAIRequest(request)).toMatchObject({ reasoning_effort: 'low', top_k: 40 });
  });

  it('asks a stream for usage and keeps the client stream options', () => {
    const request: ChatRequest = { ...conversation, stream: true, stream_options: { include_obfuscation: false } };
    expect(convertToOpenAIRequest(request)).toEqual({
      ...conversation,
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
    });
  });

  it('does not send stream_options to an Azure api-version that rejects it', () => {
    const request: ChatRequest = { ...conversation, stream: true };
    expect(convertToOpenAIRequest(request, 'azure-legacy')).toEqual(request);
  });

  it('speaks Mistral: no OpenAI-only fields, renamed limits and seed, 9-character tool call ids', () => {
    const request = {
      ...conversation,
      messages: [
        ...conversation.messages,
        { role: 'assistant', content: 'Oslo 12°C, Bergen 9°C.', reasoning_content: 'Both known.', refusal: null },
        { role: 'user', content: 'Thanks', name: 'ola' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      seed: 7,
      store: false,
      metadata: { team: 'a' },
      user: 'user-1',
      safety_identifier: 'user-1',
      prompt_cache_key: 'k',
      service_tier: 'auto',
    } as ChatRequest;
    const body = convertToOpenAIRequest(request, 'mistral');
    const messages = body.messages as Array<Record<string, unknown>>;
    expect(Object.keys(body).sort()).toEqual(
      [
        'max_tokens',
        'messages',
        'model',
        'parallel_tool_calls',
        'random_seed',
        'response_format',
        'stream',
        'temperature',
        'tool_choice',
        'tools',
      ].sort(),
    );
    expect(body).toMatchObject({ max_tokens: 256, random_seed: 7, stream: true });
    const calls = messages[4].tool_calls as Array<{ id: string }>;
    const ids = calls.map((call) => call.id);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(messages[5]).toEqual({ role: 'tool', tool_call_id: ids[0], content: '12°C, cloudy' });
    expect(messages[6]).toEqual({ role: 'tool', tool_call_id: ids[1], content: '9°C, rain' });
    expect(messages[7]).toEqual({ role: 'assistant', content: 'Oslo 12°C, Bergen 9°C.' });
    expect(messages[8]).toEqual({ role: 'user', content: 'Thanks' });
    expect(messages[3]).toEqual(conversation.messages[3]);
  });

  it('keeps Mistral-shaped ids and an explicit max_tokens as they are', () => {
    const request: ChatRequest = {
      model: 'mistral-small-latest',
      max_tokens: 10,
      max_completion_tokens: 99,
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'D681PevKs', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'D681PevKs', content: 'sunny' },
      ],
    };
    const body = convertToOpenAIRequest(request, 'mistral');
    expect(body.max_tokens).toBe(10);
    expect(body).not.toHaveProperty('max_completion_tokens');
    expect(body.messages).toEqual(request.messages);
  });
});

describe('detectOpenAIDialect', () => {
  it('knows Mistral by its host, whatever the provider is called', () => {
    expect(detectOpenAIDialect({ baseUrl: 'https://api.mistral.ai/v1' })).toBe('mistral');
    expect(detectOpenAIDialect({ baseUrl: 'https://api.openai.com/v1' })).toBe('openai');
    expect(detectOpenAIDialect({ baseUrl: 'http://127.0.0.1:11434/v1' })).toBe('openai');
    expect(detectOpenAIDialect({ baseUrl: 'not a url' })).toBe('openai');
  });

  it('treats Azure api-versions before 2024-09-01 as not knowing stream_options', () => {
    const azure = (apiVersion: string) =>
      detectOpenAIDialect({ baseUrl: 'https://r.openai.azure.com', azure: { apiVersion } });
    expect(azure('2024-06-01')).toBe('azure-legacy');
    expect(azure('2024-08-01-preview')).toBe('azure-legacy');
    expect(azure('2024-10-21')).toBe('openai');
    expect(azure('2025-04-01-preview')).toBe('openai');
    expect(azure('v1')).toBe('openai');
  });
});
