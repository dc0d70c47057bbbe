import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic-server.ts';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini-server.ts';
import { type FakeOpenAI, type FakeReply, startFakeOpenAI } from '../fakes/fake-openai-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

/**
 * The Anthropic inbound proof: the real `@anthropic-ai/sdk`, through the real CLI, against fakes that speak the
 * OpenAI, Anthropic and Gemini wire formats. Every upstream gets a streaming tool-call test; the Anthropic upstream
 * is the native pass-through, checked byte for byte on the fake's recorded request.
 */

const gatewayKey = 'sk-gw-anthropic-inbound-01';
const openaiKey = 'sk-openai-upstream-secret';
const anthropicKey = 'sk-ant-upstream-secret-3';
const geminiKey = 'AIza-upstream-secret-g';
const SONNET = 'claude-sonnet-4-5-20250929';
const FLASH = 'gemini-2.5-flash';
const BODY_LIMIT = 200_000;

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

function openaiReply(body: Record<string, unknown>): FakeReply {
  if (Array.isArray(body.tools) && body.tools.length > 0) {
    return {
      content: 'Checking both.',
      toolCalls: [
        { id: 'call_A', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { id: 'call_B', name: 'get_weather', arguments: '{"city":"Lima"}' },
      ],
      usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
    };
  }
  if (body.reasoning_effort) return { reasoning: 'Think first. ', content: 'Forty-two.' };
  const last = (body.messages as Array<{ content: unknown }>).at(-1)?.content;
  return { content: `Echo: ${typeof last === 'string' ? last : JSON.stringify(last)}` };
}

type CountServer = { baseUrl: string; requests: Array<{ path: string; headers: IncomingHttpHeaders; body: unknown }> };

/** A second Anthropic upstream that serves only its model list and `count_tokens`. */
async function startCountTokensUpstream(): Promise<CountServer & { server: Server }> {
  const requests: CountServer['requests'] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (piece) => {
      raw += piece;
    });
    request.on('end', () => {
      requests.push({ path: request.url ?? '', headers: request.headers, body: raw ? JSON.parse(raw) : undefined });
      response.writeHead(200, { 'content-type': 'application/json' });
      if (request.url?.startsWith('/v1/models')) {
        response.end(
          JSON.stringify({
            data: [
              { type: 'model', id: 'claude-counter-1', display_name: 'Counter', created_at: '2025-01-01T00:00:00Z' },
            ],
            has_more: false,
            first_id: 'claude-counter-1',
            last_id: 'claude-counter-1',
          }),
        );
      } else response.end(JSON.stringify({ input_tokens: 1234 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, requests, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` };
}

/** Reads an SSE body into `[event, data]` pairs. */
async function readEvents(response: Response): Promise<Array<{ event: string; data: Record<string, unknown> }>> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? '{}';
      return { event, data: JSON.parse(data) };
    });
}

describe('the real @anthropic-ai/sdk through the spawned gateway (POST /v1/messages)', () => {
  let openai: FakeOpenAI;
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  let counter: Awaited<ReturnType<typeof startCountTokensUpstream>>;
  let gateway: SpawnedGateway;
  let client: Anthropic;

  beforeAll(async () => {
    openai = await startFakeOpenAI({ models: ['gpt-4o-mini'], apiKey: openaiKey, reply: openaiReply });
    anthropic = await startFakeAnthropic({ apiKey: anthropicKey });
    gemini = await startFakeGemini({ apiKey: geminiKey });
    counter = await startCountTokensUpstream();
    gateway = await spawnGateway({
      config: `
auth:
  keys: ["${gatewayKey}"]
server:
  bodyLimitBytes: ${BODY_LIMIT}
providers:
  - id: oa
    type: openai
    baseUrl: ${openai.baseUrl}
    apiKey: \${OA_KEY}
  - id: ant
    type: anthropic
    baseUrl: ${anthropic.baseUrl}
    apiKey: \${ANT_KEY}
  - id: gem
    type: gemini
    baseUrl: ${gemini.baseUrl}
    apiKey: \${GEM_KEY}
  - id: counter
    type: anthropic
    baseUrl: ${counter.baseUrl}
    apiKey: \${ANT_KEY}
routing:
  retries: 0
  timeoutMs: 10000
`,
      env: { OA_KEY: openaiKey, ANT_KEY: anthropicKey, GEM_KEY: geminiKey },
    });
    client = new Anthropic({ baseURL: gateway.url, apiKey: gatewayKey, maxRetries: 0, timeout: 15_000 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await openai?.close();
    await anthropic?.close();
    await gemini?.close();
    await new Promise((resolve) => counter?.server.close(resolve));
  });

  describe('OpenAI upstream (translated)', () => {
    it('answers messages.create with a Message', async () => {
      const message = await client.messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 100,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'hello' }],
      });
      expect(message).toMatchObject({
        type: 'message',
        role: 'assistant',
        model: 'gpt-4o-mini',
        content: [{ type: 'text', text: 'Echo: hello' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 9, output_tokens: 2 },
      });
      expect(message.id).toMatch(/^msg_/);
      const sent = openai.requests.at(-1)?.body as Record<string, unknown>;
      expect(sent).toMatchObject({
        model: 'gpt-4o-mini',
        max_tokens: 100,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'hello' },
        ],
      });
      expect(openai.requests.at(-1)?.headers.authorization).toBe(`Bearer ${openaiKey}`);
    });

    it('streams parallel tool calls as tool_use blocks with input_json_delta', async () => {
      const stream = client.messages.stream({
        model: 'gpt-4o-mini',
        max_tokens: 200,
        tools: [weatherTool],
        tool_choice: { type: 'auto', disable_parallel_tool_use: false },
        messages: [{ role: 'user', content: 'Weather in Oslo and Lima?' }],
      });
      const events: Anthropic.MessageStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const message = await stream.finalMessage();
      expect(message.content).toEqual([
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_use', id: 'call_A', name: 'get_weather', input: { city: 'Oslo' } },
        { type: 'tool_use', id: 'call_B', name: 'get_weather', input: { city: 'Lima' } },
      ]);
      expect(message.stop_reason).toBe('tool_use');
      expect(message.usage).toMatchObject({ input_tokens: 120, output_tokens: 30 });
      expect(events.map((event) => event.type)[0]).toBe('message_start');
      const starts = events.filter((event) => event.type === 'content_block_start');
      expect(starts.map((event) => event.index)).toEqual([0, 1, 2]);
      const jsonDeltas = events.filter(
        (event) => event.type === 'content_block_delta' && event.delta.type === 'input_json_delta',
      );
      expect(jsonDeltas.length).toBeGreaterThanOrEqual(4);
      expect(events.at(-1)?.type).toBe('message_stop');
      expect(openai.requests.at(-1)?.body).toMatchObject({
        stream: true,
        tool_choice: 'auto',
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherTool.input_schema } }],
      });
    });

    it('streams reasoning as a thinking block when thinking is enabled', async () => {
      const message = await client.messages
        .stream({
          model: 'gpt-4o-mini',
          max_tokens: 4000,
          thinking: { type: 'enabled', budget_tokens: 2048 },
          messages: [{ role: 'user', content: 'Meaning of life?' }],
        })
        .finalMessage();
      expect(message.content).toEqual([
        { type: 'thinking', thinking: 'Think first. ', signature: '' },
        { type: 'text', text: 'Forty-two.' },
      ]);
      expect(openai.requests.at(-1)?.body).toMatchObject({ reasoning_effort: 'low' });
    });

    it('takes a Claude Code shaped request (system blocks with cache_control, 15 tools, tool results, thinking)', async () => {
      const tools: Anthropic.Tool[] = Array.from({ length: 15 }, (_, index) => ({
        name: index === 0 ? 'get_weather' : `tool_${index}`,
        description: `Tool number ${index}`,
        input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
        ...(index === 14 ? { cache_control: { type: 'ephemeral' as const } } : {}),
      }));
      const stream = client.messages.stream({
        model: 'gpt-4o-mini',
        max_tokens: 32000,
        thinking: { type: 'enabled', budget_tokens: 16000 },
        metadata: { user_id: 'user_abc_session_1' },
        system: [
          { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'Follow the rules.', cache_control: { type: 'ephemeral' } },
        ],
        tools,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: '<system-reminder>ctx</system-reminder>' },
              { type: 'text', text: 'Weather?', cache_control: { type: 'ephemeral' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'Need the tool.', signature: 'sig-abc' },
              { type: 'text', text: 'Let me check.' },
              { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { path: 'Oslo' } },
              { type: 'tool_use', id: 'toolu_02', name: 'tool_1', input: { path: 'x' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_01', content: [{ type: 'text', text: '12°C' }] },
              { type: 'tool_result', tool_use_id: 'toolu_02', content: 'no such file', is_error: true },
              { type: 'text', text: 'And now?' },
            ],
          },
        ],
      });
      const message = await stream.finalMessage();
      expect(message.stop_reason).toBe('tool_use');
      const sent = openai.requests.at(-1)?.body as Record<string, unknown>;
      expect(JSON.stringify(sent)).not.toContain('cache_control');
      expect(JSON.stringify(sent)).not.toContain('sig-abc');
      expect(sent).toMatchObject({
        max_tokens: 32000,
        reasoning_effort: 'medium',
        user: 'user_abc_session_1',
        messages: [
          { role: 'system', content: 'You are Claude Code.\n\nFollow the rules.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: '<system-reminder>ctx</system-reminder>' },
              { type: 'text', text: 'Weather?' },
            ],
          },
          {
            role: 'assistant',
            content: 'Let me check.',
            tool_calls: [
              { id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{"path":"Oslo"}' } },
              { id: 'toolu_02', type: 'function', function: { name: 'tool_1', arguments: '{"path":"x"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'toolu_01', content: '12°C' },
          { role: 'tool', tool_call_id: 'toolu_02', content: 'Error: no such file' },
          { role: 'user', content: 'And now?' },
        ],
      });
      expect(sent.tools).toHaveLength(15);
    });

    it('ends a stream that fails after it started with an Anthropic error event', async () => {
      openai.faults.push({ kind: 'error-event-mid-stream', afterChunks: 2 });
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': gatewayKey, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          max_tokens: 50,
          stream: true,
          messages: [{ role: 'user', content: 'one two three four' }],
        }),
      });
      expect(response.status).toBe(200);
      const events = await readEvents(response);
      expect(events[0]?.event).toBe('message_start');
      expect(events.at(-1)).toMatchObject({ event: 'error', data: { type: 'error', error: { type: 'api_error' } } });
      expect(events.some((event) => event.event === 'message_stop')).toBe(false);

      openai.faults.push({ kind: 'error-event-mid-stream', afterChunks: 2 });
      const stream = client.messages.stream({
        model: 'gpt-4o-mini',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'one two three four' }],
      });
      await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIError);
    });

    it('maps an upstream 429 before the stream starts to a RateLimitError', async () => {
      openai.faults.push({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
      const error = await client.messages
        .create({ model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      expect((error as APIError).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    });
  });

  describe('Gemini upstream (translated)', () => {
    it('streams a tool call as a tool_use block', async () => {
      gemini.respondWith(() => ({
        kind: 'reply',
        functionCalls: [{ name: 'get_weather', args: { city: 'Oslo' } }],
        usage: { promptTokenCount: 40, candidatesTokenCount: 8, totalTokenCount: 48 },
      }));
      const stream = client.messages.stream({
        model: FLASH,
        max_tokens: 200,
        tools: [weatherTool],
        tool_choice: { type: 'tool', name: 'get_weather' },
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      });
      const events: Anthropic.MessageStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const message = await stream.finalMessage();
      expect(message.content).toHaveLength(1);
      expect(message.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Oslo' } });
      expect(message.stop_reason).toBe('tool_use');
      expect(message.usage).toMatchObject({ input_tokens: 40, output_tokens: 8 });
      expect(
        events.some((event) => event.type === 'content_block_delta' && event.delta.type === 'input_json_delta'),
      ).toBe(true);
      const sent = gemini.requests.at(-1);
      expect(sent?.action).toBe('streamGenerateContent');
      expect(sent?.headers['x-goog-api-key']).toBe(geminiKey);
      expect(sent?.body).toMatchObject({
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      });
    });

    it('answers messages.create with text', async () => {
      gemini.respondWith(() => ({ kind: 'reply', text: 'Hej fra Gemini' }));
      const message = await client.messages.create({
        model: FLASH,
        max_tokens: 50,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(message.content).toEqual([{ type: 'text', text: 'Hej fra Gemini' }]);
      expect(message.stop_reason).toBe('end_turn');
    });
  });

  describe('Anthropic upstream (native pass-through)', () => {
    it('streams a tool call and forwards the body, cache_control and anthropic-beta exactly, with the provider key', async () => {
      anthropic.respondWith(() => ({
        kind: 'message',
        text: 'Let me look.',
        toolUses: [{ id: 'toolu_9', name: 'get_weather', input: { city: 'Oslo' } }],
      }));
      const params = {
        model: SONNET,
        max_tokens: 300,
        system: [{ type: 'text' as const, text: 'Cached system.', cache_control: { type: 'ephemeral' as const } }],
        tools: [{ ...weatherTool, cache_control: { type: 'ephemeral' as const } }],
        thinking: { type: 'enabled' as const, budget_tokens: 1024 },
        messages: [
          { role: 'user' as const, content: 'Weather?' },
          {
            role: 'assistant' as const,
            content: [
              { type: 'thinking' as const, thinking: 'Hmm.', signature: 'EqQBsig==' },
              { type: 'tool_use' as const, id: 'toolu_1', name: 'get_weather', input: { city: 'Lima' } },
            ],
          },
          {
            role: 'user' as const,
            content: [{ type: 'tool_result' as const, tool_use_id: 'toolu_1', content: '20°C' }],
          },
        ],
      };
      const stream = client.messages.stream(params, {
        headers: { 'anthropic-beta': 'prompt-caching-2024-07-31,interleaved-thinking-2025-05-14' },
      });
      const message = await stream.finalMessage();
      expect(message.content).toEqual([
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_9', name: 'get_weather', input: { city: 'Oslo' } },
      ]);
      expect(message.id).toBe('msg_01FakeAnthropic');
      const recorded = anthropic.requests.at(-1);
      expect(recorded?.path).toBe('/v1/messages');
      expect(recorded?.body).toEqual({ ...params, stream: true });
      expect(recorded?.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31,interleaved-thinking-2025-05-14');
      expect(recorded?.headers['x-api-key']).toBe(anthropicKey);
      expect(JSON.stringify(recorded?.headers)).not.toContain(gatewayKey);
      expect(recorded?.headers['anthropic-version']).toBeTruthy();
    });

    it('relays a non-stream Message unchanged', async () => {
      anthropic.respondWith(() => ({ kind: 'message', thinking: 'Quick thought.', text: 'Hello!' }));
      const message = await client.messages.create({
        model: SONNET,
        max_tokens: 50,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(message.content).toEqual([
        { type: 'thinking', thinking: 'Quick thought.', signature: 'EqQBCgIYAhIMfakesig' },
        { type: 'text', text: 'Hello!' },
      ]);
    });

    it('turns an upstream error before the stream into the same Anthropic error', async () => {
      anthropic.respondWith(() => ({ kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded' }));
      const error = await client.messages
        .create({ model: SONNET, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], stream: true })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect((error as APIError).error).toMatchObject({ error: { type: 'overloaded_error' } });
    });

    it('passes a mid-stream error event through', async () => {
      anthropic.respondWith(() => ({
        kind: 'stream-error',
        text: 'Partial',
        type: 'overloaded_error',
        message: 'Busy',
      }));
      const stream = client.messages.stream({
        model: SONNET,
        max_tokens: 10,
        messages: [{ role: 'user', content: 'x' }],
      });
      await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIError);
    });
  });

  describe('errors, models and count_tokens', () => {
    it('raises AuthenticationError for a wrong key, with an Anthropic body', async () => {
      const wrong = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-wrong', maxRetries: 0 });
      await expect(
        wrong.messages.create({ model: 'gpt-4o-mini', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
      const response = await fetch(`${gateway.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': 'nope' } });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    });

    it('raises NotFoundError for an unknown model and BadRequestError naming the field', async () => {
      await expect(
        client.messages.create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      ).rejects.toBeInstanceOf(Anthropic.NotFoundError);
      const error = await client.messages
        .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] } as never)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as APIError).error).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') },
      });
    });

    it('answers an oversized body with 413 request_too_large', async () => {
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gatewayKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          max_tokens: 5,
          messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT) }],
        }),
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
    });

    it('lists models in the Anthropic shape', async () => {
      const page = await client.models.list();
      const ids = page.data.map((model) => model.id);
      expect(ids).toEqual(expect.arrayContaining(['gpt-4o-mini', SONNET, FLASH]));
      expect(page.data[0]).toMatchObject({ type: 'model', display_name: expect.any(String) });
      expect(page.data[0]?.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    });

    it('counts tokens: forwarded for an Anthropic model, estimated otherwise', async () => {
      const forwarded = await client.messages.countTokens(
        { model: 'claude-counter-1', messages: [{ role: 'user', content: 'hello' }] },
        { headers: { 'anthropic-beta': 'token-counting-2024-11-01' } },
      );
      expect(forwarded).toEqual({ input_tokens: 1234 });
      const request = counter.requests.at(-1);
      expect(request?.path).toBe('/v1/messages/count_tokens');
      expect(request?.headers['x-api-key']).toBe(anthropicKey);
      expect(request?.headers['anthropic-beta']).toBe('token-counting-2024-11-01');

      const estimated = await client.messages.countTokens({
        model: 'gpt-4o-mini',
        system: 'abcd',
        messages: [{ role: 'user', content: 'hello there' }],
      });
      const expected = Math.ceil(
        ('abcd'.length + JSON.stringify([{ role: 'user', content: 'hello there' }]).length) / 4,
      );
      expect(estimated).toEqual({ input_tokens: expected });
    });
  });
});
