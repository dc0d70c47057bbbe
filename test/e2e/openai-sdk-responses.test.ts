import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic-server.ts';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini-server.ts';
import { type FakeOpenAIResponses, startFakeOpenAIResponses } from '../fakes/fake-openai-responses-server.ts';
import { type FakeOpenAI, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

/**
 * `POST /v1/responses` through the spawned gateway, driven by the real openai SDK: translated onto OpenAI-format,
 * Anthropic and Gemini fakes (text, streams, function tools on every upstream, tool results back), and passed
 * through natively to a fake of OpenAI's own Responses API.
 */

const gatewayKey = 'sk-gw-responses-0001';
const nativeKey = 'sk-openai-native-secret';

const SONNET = 'claude-sonnet-4-5-20250929';
const FLASH = 'gemini-2.5-flash';
const COMPAT = 'gpt-4o-mini';
const NATIVE = 'gpt-4.1';

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
};

function hasToolResult(body: unknown): boolean {
  return /tool_result|functionResponse|"role":"tool"/.test(JSON.stringify(body));
}

describe('the openai SDK on /v1/responses through the spawned gateway', () => {
  let compat: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  let native: FakeOpenAIResponses;
  let gateway: SpawnedGateway;
  let client: OpenAI;

  beforeAll(async () => {
    compat = await startFakeOpenAI({
      models: [COMPAT],
      reply: (body) => {
        if (hasToolResult(body)) return { content: 'Lima is warmer.' };
        if (body.tools) {
          return {
            toolCalls: [
              { id: 'call_A', name: 'get_weather', arguments: '{"city":"Oslo"}' },
              { id: 'call_B', name: 'get_weather', arguments: '{"city":"Lima"}' },
            ],
          };
        }
        const last = (body.messages as Array<{ content: unknown }>).at(-1)?.content;
        return { content: `Echo: ${typeof last === 'string' ? last : JSON.stringify(last)}` };
      },
    });
    anthropic = await startFakeAnthropic();
    anthropic.respondWith((request) => {
      if (hasToolResult(request.body)) return { kind: 'message', text: 'Lima is warmer.' };
      if ((request.body as { tools?: unknown }).tools) {
        return {
          kind: 'message',
          text: 'Checking both.',
          toolUses: [
            { id: 'toolu_01A', name: 'get_weather', input: { city: 'Oslo' } },
            { id: 'toolu_01B', name: 'get_weather', input: { city: 'Lima' } },
          ],
          stopReason: 'tool_use',
        };
      }
      return { kind: 'message', text: 'Hello from Claude.' };
    });
    gemini = await startFakeGemini();
    gemini.respondWith((request) => {
      if (hasToolResult(request.body)) return { kind: 'reply', text: 'Lima is warmer.' };
      if ((request.body as { tools?: unknown }).tools) {
        return {
          kind: 'reply',
          functionCalls: [
            { name: 'get_weather', args: { city: 'Oslo' } },
            { name: 'get_weather', args: { city: 'Lima' } },
          ],
        };
      }
      return { kind: 'reply', text: 'Hello from Gemini.' };
    });
    native = await startFakeOpenAIResponses({ models: [NATIVE], apiKey: nativeKey });
    gateway = await spawnGateway({
      config: {
        auth: { keys: [gatewayKey] },
        providers: [
          { id: 'compat', type: 'openai', baseUrl: compat.baseUrl },
          { id: 'claude', type: 'anthropic', baseUrl: anthropic.baseUrl, apiKey: 'sk-ant-fake' },
          { id: 'google', type: 'gemini', baseUrl: gemini.baseUrl, apiKey: 'AIza-fake' },
          // Named `openai`: the rule that marks an upstream as the real Responses API (see docs/inbound-formats.md).
          { id: 'openai', baseUrl: native.baseUrl, apiKey: nativeKey },
        ],
        routing: { retries: 0, timeoutMs: 5000 },
      },
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gatewayKey, maxRetries: 0, timeout: 10_000 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([compat?.close(), anthropic?.close(), gemini?.close(), native?.close()]);
  });

  it('answers a non-stream request with a Response object, output_text and usage', async () => {
    const before = compat.requests.length;
    const { data, response } = await client.responses
      .create({ model: COMPAT, instructions: 'Be brief.', input: 'hello', max_output_tokens: 64, metadata: { t: '1' } })
      .withResponse();
    expect(data.id).toMatch(/^resp_/);
    expect(data.object).toBe('response');
    expect(data.status).toBe('completed');
    expect(data.output_text).toBe('Echo: hello');
    expect(data.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(data.usage).toMatchObject({ input_tokens: 9, output_tokens: 2, total_tokens: 11 });
    expect(data.instructions).toBe('Be brief.');
    expect(data.metadata).toEqual({ t: '1' });
    expect(response.headers.get('x-switchboard-provider')).toBe('compat');
    const sent = compat.requests.slice(before).find((request) => request.path === '/v1/chat/completions');
    expect(sent?.body).toMatchObject({
      model: COMPAT,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello' },
      ],
      max_completion_tokens: 64,
    });
    expect(sent?.body).not.toHaveProperty('metadata');
  });

  it('streams the §2.3 events with sequence numbers and a completed response carrying usage', async () => {
    const stream = await client.responses.create({ model: COMPAT, input: 'one two three', stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const completed = events.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.response.usage?.total_tokens).toBe(11);
    expect(completed.response.output[0]).toMatchObject({ content: [{ text: 'Echo: one two three' }] });
  });

  it('works with responses.stream() and finalResponse()', async () => {
    const stream = client.responses.stream({ model: SONNET, input: 'hi' });
    let text = '';
    stream.on('response.output_text.delta', (event) => {
      text += event.delta;
    });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Hello from Claude.');
    expect(text).toBe('Hello from Claude.');
  });

  for (const [upstream, model] of [
    ['openai-format', COMPAT],
    ['anthropic', SONNET],
    ['gemini', FLASH],
  ] as const) {
    it(`streams parallel function calls from the ${upstream} upstream, then takes their outputs back`, async () => {
      const stream = await client.responses.create({
        model,
        input: [{ role: 'user', content: 'Weather in Oslo and Lima?' }],
        tools: [weatherTool],
        stream: true,
      });
      const types: string[] = [];
      let argumentDeltas = '';
      let completed: OpenAI.Responses.Response | undefined;
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === 'response.function_call_arguments.delta') argumentDeltas += event.delta;
        if (event.type === 'response.completed') completed = event.response;
      }
      expect(types).toContain('response.function_call_arguments.delta');
      expect(types).toContain('response.function_call_arguments.done');
      expect(types.at(-1)).toBe('response.completed');
      const calls = (completed?.output ?? []).filter(
        (item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call',
      );
      expect(calls.map((call) => [call.name, JSON.parse(call.arguments)])).toEqual([
        ['get_weather', { city: 'Oslo' }],
        ['get_weather', { city: 'Lima' }],
      ]);
      expect(argumentDeltas).toBe(calls.map((call) => call.arguments).join(''));
      for (const call of calls) expect(call.call_id).toMatch(/^[A-Za-z0-9_-]+$/);
      if (upstream === 'anthropic') expect(calls.map((call) => call.call_id)).toEqual(['toolu_01A', 'toolu_01B']);
      if (upstream === 'openai-format') expect(calls.map((call) => call.call_id)).toEqual(['call_A', 'call_B']);

      const second = await client.responses.create({
        model,
        input: [
          { role: 'user', content: 'Weather in Oslo and Lima?' },
          ...calls.map((call) => ({
            type: 'function_call' as const,
            call_id: call.call_id,
            name: call.name,
            arguments: call.arguments,
          })),
          { type: 'function_call_output', call_id: calls[0]?.call_id as string, output: '12C' },
          { type: 'function_call_output', call_id: calls[1]?.call_id as string, output: '24C' },
        ],
        tools: [weatherTool],
      });
      expect(second.output_text).toBe('Lima is warmer.');
    });
  }

  it('answers function calls without streaming, as function_call items', async () => {
    const response = await client.responses.create({ model: FLASH, input: 'Weather?', tools: [weatherTool] });
    expect(response.status).toBe('completed');
    expect(response.output.filter((item) => item.type === 'function_call')).toHaveLength(2);
    expect(response.output_text).toBe('');
  });

  it('refuses previous_response_id and built-in tools with a 400 naming the field when not native', async () => {
    const stored = await client.responses
      .create({ model: COMPAT, input: 'again', previous_response_id: 'resp_123' })
      .catch((error: unknown) => error);
    expect(stored).toBeInstanceOf(APIError);
    expect((stored as APIError).status).toBe(400);
    expect((stored as APIError).param).toBe('previous_response_id');
    expect((stored as APIError).message).toContain('does not store responses');
    const builtIn = await client.responses
      .create({ model: SONNET, input: 'news?', tools: [{ type: 'web_search' }] })
      .catch((error: unknown) => error);
    expect((builtIn as APIError).status).toBe(400);
    expect((builtIn as APIError).param).toBe('tools[0]');
  });

  it('answers an unknown model with a 404 that suggests close ids', async () => {
    const error = await client.responses
      .create({ model: 'gpt-4o-mimi', input: 'x' })
      .catch((caught: unknown) => caught);
    expect((error as APIError).status).toBe(404);
    expect((error as APIError).message).toContain(COMPAT);
  });

  it('passes a request through natively to an OpenAI upstream, previous_response_id and all', async () => {
    const before = native.requests.length;
    const { data, response } = await client.responses
      .create({
        model: `openai/${NATIVE}`,
        input: 'hi',
        previous_response_id: 'resp_prev',
        tools: [{ type: 'web_search' }],
      })
      .withResponse();
    expect(response.headers.get('x-switchboard-provider')).toBe('openai');
    expect(data.id).toBe('resp_native_1');
    expect(data.output_text).toBe('Native: hi');
    const sent = native.requests.slice(before).filter((request) => request.method === 'POST');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.path).toBe('/v1/responses');
    expect(sent[0]?.headers.authorization).toBe(`Bearer ${nativeKey}`);
    expect(JSON.stringify(sent[0]?.headers)).not.toContain(gatewayKey);
    expect(sent[0]?.body).toEqual({
      model: NATIVE,
      input: 'hi',
      previous_response_id: 'resp_prev',
      tools: [{ type: 'web_search' }],
    });
  });

  it('relays a native stream byte for byte', async () => {
    const response = await fetch(`${gateway.baseURL}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gatewayKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: NATIVE, input: 'stream me', stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(await response.text()).toBe(native.lastStreamText());
    const final = await client.responses.stream({ model: NATIVE, input: 'sdk' }).finalResponse();
    expect(final.output_text).toBe('Native: sdk');
  });

  it('ends a stream that breaks after the first bytes with an error the SDK raises', async () => {
    compat.faults.push({ kind: 'drop-mid-stream', afterChunks: 2 });
    const stream = await client.responses.create({ model: COMPAT, input: 'one two three four', stream: true });
    const types: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    expect(types).toContain('response.output_text.delta');
    expect(types).not.toContain('response.completed');
  });
});
