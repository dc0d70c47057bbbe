import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.ts';
import { JSON_OBJECT_INSTRUCTION } from './internal/plan-anthropic-response-format.ts';

const model = 'claude-sonnet-4-5-20250929';
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const weatherSchema = weatherTool.function.parameters;

function rejection(request: ChatRequest): GatewayError {
  try {
    convertToAnthropicRequest(request);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('convertToAnthropicRequest', () => {
  it('sends a text message with the default max_tokens', () => {
    expect(convertToAnthropicRequest({ model, messages: [{ role: 'user', content: 'Hi' }] })).toEqual({
      body: { model, max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] },
    });
  });

  it('moves system and developer messages, wherever they are, to top-level system text blocks', () => {
    const { body } = convertToAnthropicRequest({
      model,
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'developer',
          content: [{ type: 'text', text: 'Use metric units.', cache_control: { type: 'ephemeral' } }],
        },
        { role: 'user', content: 'Weather?' },
        { role: 'system', content: 'Answer in Norwegian.' },
      ],
    });
    expect(body).toEqual({
      model,
      max_tokens: 4096,
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Use metric units.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Answer in Norwegian.' },
      ],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather?' }] }],
    });
  });

  it('keeps a multi-turn conversation and merges consecutive messages of one role', () => {
    const { body } = convertToAnthropicRequest({
      model,
      messages: [
        { role: 'user', content: 'Hi', name: 'ola' },
        { role: 'user', content: [{ type: 'text', text: 'Are you there?' }] },
        { role: 'assistant', content: 'Yes.' },
        { role: 'assistant', content: [{ type: 'text', text: 'How can I help?' }] },
        { role: 'user', content: 'Tell a joke.' },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hi' },
          { type: 'text', text: 'Are you there?' },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Yes.' },
          { type: 'text', text: 'How can I help?' },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'Tell a joke.' }] },
    ]);
  });

  it('maps sampling parameters and drops OpenAI-only fields', () => {
    const { body } = convertToAnthropicRequest({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 100,
      max_completion_tokens: 200,
      temperature: 1.7,
      top_p: 0.9,
      stop: '###',
      user: 'user-42',
      stream: true,
      stream_options: { include_usage: true },
      n: 1,
      seed: 7,
      logprobs: true,
      top_logprobs: 3,
      logit_bias: { '50256': -100 },
      frequency_penalty: 0.5,
      presence_penalty: 0.5,
      service_tier: 'flex',
      store: true,
    });
    expect(body).toEqual({
      model,
      max_tokens: 200,
      temperature: 1,
      top_p: 0.9,
      stop_sequences: ['###'],
      metadata: { user_id: 'user-42' },
      stream: true,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    const low = convertToAnthropicRequest({ model, messages: [], temperature: -0.5, max_tokens: 50, stop: ['a', 'b'] });
    expect(low.body).toEqual({ model, max_tokens: 50, temperature: 0, stop_sequences: ['a', 'b'], messages: [] });
  });

  it('rejects n > 1 with a 400 naming the parameter', () => {
    const error = rejection({ model, messages: [{ role: 'user', content: 'Hi' }], n: 2 });
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'n', isRetryable: false });
  });

  it('converts data-URL and https images, and inline PDFs', () => {
    const { body } = convertToAnthropicRequest({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
            { type: 'image_url', image_url: { url: 'data:image/jpg;base64,/9j/4AAQ' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.webp' } },
            { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' } },
          ],
        },
      ],
    });
    expect(body.messages[0].content).toEqual([
      { type: 'text', text: 'Compare these.' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.webp' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' } },
    ]);
  });

  it('rejects image types Anthropic does not accept, and non-URL images', () => {
    const bmp = rejection({
      model,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }] }],
    });
    expect(bmp).toMatchObject({ status: 400, param: 'messages[0].content[0].image_url.url' });
    expect(bmp.message).toContain('image/bmp');
    const ftp = rejection({
      model,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://example.com/a.png' } }] }],
    });
    expect(ftp.status).toBe(400);
    const audio = rejection({
      model,
      messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }],
    });
    expect(audio).toMatchObject({ status: 400, param: 'messages[0].content[0].type' });
  });

  it('converts tool definitions and every tool_choice form', () => {
    const base = { model, messages: [{ role: 'user' as const, content: 'Weather in Oslo?' }], tools: [weatherTool] };
    const noParameters = { type: 'function' as const, function: { name: 'get_time' } };
    expect(convertToAnthropicRequest({ ...base, tools: [weatherTool, noParameters] }).body.tools).toEqual([
      { name: 'get_weather', description: 'Current weather', input_schema: weatherSchema },
      { name: 'get_time', input_schema: { type: 'object', properties: {} } },
    ]);
    const choiceOf = (extra: Partial<ChatRequest>) => convertToAnthropicRequest({ ...base, ...extra }).body.tool_choice;
    expect(choiceOf({})).toBeUndefined();
    expect(choiceOf({ tool_choice: 'auto' })).toEqual({ type: 'auto' });
    expect(choiceOf({ tool_choice: 'none' })).toEqual({ type: 'none' });
    expect(choiceOf({ tool_choice: 'required' })).toEqual({ type: 'any' });
    expect(choiceOf({ tool_choice: { type: 'function', function: { name: 'get_weather' } } })).toEqual({
      type: 'tool',
      name: 'get_weather',
    });
    expect(choiceOf({ parallel_tool_calls: false })).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(choiceOf({ tool_choice: 'required', parallel_tool_calls: false })).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
  });

  it('turns tool calls into tool_use blocks and groups tool results first in one user message', () => {
    const { body } = convertToAnthropicRequest({
      model,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Oslo and Bergen?' },
        {
          role: 'assistant',
          content: 'Checking.',
          reasoning_content: 'Two cities, two calls.',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Bergen"}' } },
            { id: 'toolu_3', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: '12°C' },
        { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '9°C, rain' }] },
        { role: 'tool', tool_call_id: 'toolu_3', content: '14:05' },
        { role: 'user', content: 'Which is warmer?' },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo and Bergen?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Bergen' } },
          { type: 'tool_use', id: 'toolu_3', name: 'get_time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '12°C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '9°C, rain' }] },
          { type: 'tool_result', tool_use_id: 'toolu_3', content: '14:05' },
          { type: 'text', text: 'Which is warmer?' },
        ],
      },
    ]);
  });

  it('puts tool results before text when a user message comes between the call and its result', () => {
    const { body } = convertToAnthropicRequest({
      model,
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
        },
        { role: 'user', content: 'Hurry up.' },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'sunny' },
      ],
    });
    expect(body.messages[1]).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' },
        { type: 'text', text: 'Hurry up.' },
      ],
    });
  });

  it('rejects tool-call arguments that are not a JSON object', () => {
    const call = (args: string): ChatRequest => ({
      model,
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: args } }] },
      ],
    });
    expect(rejection(call('{"city": Oslo}'))).toMatchObject({
      status: 400,
      param: 'messages[1].tool_calls[0].function.arguments',
    });
    expect(rejection(call('[1,2]')).status).toBe(400);
  });

  it('forces a tool named after the schema for json_schema', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const plan = convertToAnthropicRequest({
      model,
      messages: [{ role: 'user', content: 'Oslo facts' }],
      response_format: { type: 'json_schema', json_schema: { name: 'city_info', schema, strict: true } },
    });
    expect(plan).toEqual({
      answerToolName: 'city_info',
      body: {
        model,
        max_tokens: 4096,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Oslo facts' }] }],
        tools: [
          {
            name: 'city_info',
            description: 'Give the final answer by calling this tool; its input is the answer.',
            input_schema: schema,
          },
        ],
        tool_choice: { type: 'tool', name: 'city_info' },
      },
    });
  });

  it('offers the answer tool next to client tools without forcing it', () => {
    const plan = convertToAnthropicRequest({
      model,
      messages: [{ role: 'user', content: 'Weather as JSON' }],
      tools: [weatherTool],
      tool_choice: 'auto',
      response_format: { type: 'json_schema', json_schema: { name: 'report', schema: { type: 'object' } } },
    });
    expect(plan.answerToolName).toBe('report');
    expect(plan.body.tools?.map((tool) => tool.name)).toEqual(['get_weather', 'report']);
    expect(plan.body.tool_choice).toEqual({ type: 'auto' });
    expect(plan.body.system).toEqual([
      {
        type: 'text',
        text: 'When you give your final answer, give it only by calling the "report" tool, whose input is the answer.',
      },
    ]);
  });

  it('asks for a JSON object through the system prompt for json_object', () => {
    const plan = convertToAnthropicRequest({
      model,
      messages: [
        { role: 'system', content: 'You list cities.' },
        { role: 'user', content: 'Three cities' },
      ],
      response_format: { type: 'json_object' },
    });
    expect(plan).toEqual({
      body: {
        model,
        max_tokens: 4096,
        system: [
          { type: 'text', text: 'You list cities.' },
          { type: 'text', text: JSON_OBJECT_INSTRUCTION },
        ],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Three cities' }] }],
      },
    });
  });

  it('turns reasoning_effort into a thinking budget below max_tokens, without temperature', () => {
    const { body } = convertToAnthropicRequest({
      model,
      messages: [{ role: 'user', content: 'Cube root of 27?' }],
      reasoning_effort: 'medium',
      temperature: 0.2,
      top_p: 0.5,
    });
    expect(body).toEqual({
      model,
      max_tokens: 4096 + 8192,
      thinking: { type: 'enabled', budget_tokens: 8192 },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Cube root of 27?' }] }],
    });
    const roomy = convertToAnthropicRequest({ model, messages: [], reasoning_effort: 'low', max_tokens: 10000 });
    expect(roomy.body).toMatchObject({ max_tokens: 10000, thinking: { type: 'enabled', budget_tokens: 2048 } });
    const off = convertToAnthropicRequest({ model, messages: [], reasoning_effort: 'none', temperature: 0.3 });
    expect(off.body).toEqual({ model, max_tokens: 4096, temperature: 0.3, messages: [] });
    expect(rejection({ model, messages: [], reasoning_effort: 'extreme' })).toMatchObject({
      status: 400,
      param: 'reasoning_effort',
    });
  });

  it('does not force the answer tool when thinking is on', () => {
    const plan = convertToAnthropicRequest({
      model,
      messages: [{ role: 'user', content: 'x' }],
      reasoning_effort: 'low',
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' } } },
    });
    expect(plan.body.tool_choice).toBeUndefined();
    expect(plan.body.tools?.map((tool) => tool.name)).toEqual(['out']);
  });
});
