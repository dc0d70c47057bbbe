import type { IncomingHttpHeaders } from 'node:http';
import OpenAI, { type APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RecordedRequest as AnthropicRecorded,
  type FakeAnthropic,
  type FakeAnthropicReply,
  startFakeAnthropic,
} from '../fakes/fake-anthropic-server.ts';
import {
  type FakeGemini,
  type FakeGeminiAnswer,
  type RecordedRequest as GeminiRecorded,
  startFakeGemini,
} from '../fakes/fake-gemini-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

/**
 * The "native providers" proof: the real openai SDK, through the real CLI, against fakes that speak Anthropic's and
 * Gemini's exact wire formats. Every call checks both sides: what the client got, and the exact request the gateway
 * sent upstream (path, auth headers, body).
 */

const gatewayKey = 'sk-gw-native-key-0001';
const anthropicKey = 'sk-ant-upstream-secret-1';
const anthropicBackupKey = 'sk-ant-upstream-secret-2';
const geminiKey = 'AIza-upstream-secret-gemini';

const SONNET = 'claude-sonnet-4-5-20250929';
const HAIKU = 'claude-haiku-4-5-20251001';
const FLASH = 'gemini-2.5-flash';
const GEMINI_3 = 'gemini-3-pro-preview';

/** A 1×1 transparent PNG. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};

const reportSchema = {
  type: 'object',
  properties: { city: { type: 'string' }, temp: { type: 'number' } },
  required: ['city', 'temp'],
  additionalProperties: false,
};

/** Answers in order; the last one repeats. */
function inOrder<Request, Reply>(...replies: Reply[]): (request: Request) => Reply {
  let next = 0;
  return () => replies[Math.min(next++, replies.length - 1)] as Reply;
}

function chatPosts<T extends { method: string }>(requests: T[], since = 0): T[] {
  return requests.slice(since).filter((request) => request.method === 'POST');
}

function onlyPost<T extends { method: string }>(requests: T[], since: number): T {
  const posts = chatPosts(requests, since);
  expect(posts).toHaveLength(1);
  return posts[0] as T;
}

function expectAnthropicAuth(request: AnthropicRecorded, key = anthropicKey): void {
  expect(request.path).toBe('/v1/messages');
  expect(request.headers['x-api-key']).toBe(key);
  expect(request.headers['anthropic-version']).toBe('2023-06-01');
  expect(request.headers['content-type']).toBe('application/json');
  expectNoClientCredentials(request.headers);
}

function expectGeminiAuth(request: GeminiRecorded, model: string, stream: boolean, key = geminiKey): void {
  expect(request.path).toBe(
    stream ? `/v1beta/models/${model}:streamGenerateContent?alt=sse` : `/v1beta/models/${model}:generateContent`,
  );
  expect(request.headers['x-goog-api-key']).toBe(key);
  expect(request.headers['content-type']).toBe('application/json');
  expect(request.path).not.toContain('key=');
  expectNoClientCredentials(request.headers);
}

function expectNoClientCredentials(headers: IncomingHttpHeaders): void {
  expect(headers.authorization).toBeUndefined();
  expect(JSON.stringify(headers)).not.toContain(gatewayKey);
}

/**
 * One provider per fault scenario (`<type>-<name>`, model `<type>-<name>` → the upstream model), all on the same fake
 * with the same key: the gateway's health model parks a provider after a 429 and counts failures per provider, so a
 * fault scripted for one test must not make the main provider unavailable for the next.
 */
function faultProviders(type: string, baseUrl: string, apiKey: string, model: string, names: string[]): string {
  return names
    .map(
      (name) => `  - id: ${type}-${name}
    type: ${type}
    baseUrl: ${baseUrl}
    apiKey: ${apiKey}
    discover: false
    models: [{ id: ${type}-${name}, model: ${model} }]`,
    )
    .join('\n');
}

/** The raw JSON the client received, for fields the SDK types do not name (`reasoning_content`). */
type RawMessage = { reasoning_content?: string };
type RawDelta = { reasoning_content?: string };

describe('native providers through the spawned gateway, with the real openai SDK', () => {
  let anthropic: FakeAnthropic;
  let anthropicBackup: FakeAnthropic;
  let gemini: FakeGemini;
  let gateway: SpawnedGateway;
  let client: OpenAI;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic({ apiKey: anthropicKey });
    anthropicBackup = await startFakeAnthropic({
      apiKey: anthropicBackupKey,
      models: [{ id: HAIKU, display_name: 'Claude Haiku 4.5', created_at: '2025-10-01T00:00:00Z' }],
    });
    gemini = await startFakeGemini({ apiKey: geminiKey });
    gateway = await spawnGateway({
      config: `
auth:
  keys: ["${gatewayKey}"]
providers:
  - id: anthropic
    type: anthropic
    baseUrl: ${anthropic.baseUrl}
    apiKey: \${ANTHROPIC_UPSTREAM_KEY}
${faultProviders('anthropic', anthropic.baseUrl, '${ANTHROPIC_UPSTREAM_KEY}', SONNET, [
  'overloaded',
  'ratelimited',
  'parked',
  'stream-fault',
])}
  - id: anthropic-flaky
    type: anthropic
    baseUrl: ${anthropic.baseUrl}
    apiKey: \${ANTHROPIC_UPSTREAM_KEY}
    discover: false
    models: [{ id: claude-failover, model: ${SONNET} }]
  - id: anthropic-backup
    type: anthropic
    baseUrl: ${anthropicBackup.baseUrl}
    apiKey: ${anthropicBackupKey}
    models: [{ id: claude-failover, model: ${HAIKU} }]
  - id: anthropic-badkey
    type: anthropic
    baseUrl: ${anthropic.baseUrl}
    apiKey: sk-ant-revoked-key-000
    discover: false
    models: [{ id: claude-with-bad-key, model: ${SONNET} }]
  - id: gemini
    type: gemini
    baseUrl: ${gemini.baseUrl}
    apiKey: \${GEMINI_UPSTREAM_KEY}
    models: [${GEMINI_3}]
${faultProviders('gemini', gemini.baseUrl, '${GEMINI_UPSTREAM_KEY}', FLASH, ['parked', 'unavailable', 'stream-fault'])}
  - id: gemini-badkey
    type: gemini
    baseUrl: ${gemini.baseUrl}
    apiKey: AIza-revoked-key-000
    discover: false
    models: [{ id: gemini-with-bad-key, model: ${FLASH} }]
routing:
  strategy: priority
  retries: 1
  timeoutMs: 5000
`,
      env: { ANTHROPIC_UPSTREAM_KEY: anthropicKey, GEMINI_UPSTREAM_KEY: geminiKey },
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gatewayKey, maxRetries: 0, timeout: 10_000 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await anthropic?.close();
    await anthropicBackup?.close();
    await gemini?.close();
  });

  it('lists the discovered Anthropic and Gemini models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(
      expect.arrayContaining([SONNET, HAIKU, FLASH, 'gemini-2.0-flash', GEMINI_3, `anthropic/${SONNET}`]),
    );
    expect(ids).not.toContain('imagen-3.0-generate-002');
  });

  describe('Anthropic', () => {
    const respond = (...replies: FakeAnthropicReply[]) => anthropic.respondWith(inOrder(...replies));

    it('answers a text chat', async () => {
      respond({ kind: 'message', id: 'msg_text', text: 'Hello from Claude.' });
      const since = anthropic.requests.length;
      const { data, response } = await client.chat.completions
        .create({ model: SONNET, messages: [{ role: 'user', content: 'Hi' }] })
        .withResponse();
      expect(response.headers.get('x-switchboard-provider')).toBe('anthropic');
      expect(data).toMatchObject({
        id: 'msg_text',
        object: 'chat.completion',
        model: SONNET,
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from Claude.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      });
      const sent = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(sent);
      expect(sent.body).toEqual({
        model: SONNET,
        max_tokens: 4096,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      });
    });

    it('sends system messages as the top-level system and keeps the turns in order', async () => {
      respond({ kind: 'message', text: 'Four.' });
      const since = anthropic.requests.length;
      const data = await client.chat.completions.create({
        model: SONNET,
        messages: [
          { role: 'system', content: 'Answer in one word.' },
          { role: 'user', content: 'Two plus two?' },
          { role: 'assistant', content: 'Four.' },
          { role: 'developer', content: 'Be exact.' },
          { role: 'user', content: 'And two times two?' },
        ],
        max_completion_tokens: 100,
        temperature: 1.7,
        top_p: 0.9,
        stop: 'END',
        user: 'user-42',
        seed: 7,
      });
      expect(data.choices[0]?.message.content).toBe('Four.');
      const sent = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(sent);
      expect(sent.body).toEqual({
        model: SONNET,
        max_tokens: 100,
        temperature: 1,
        top_p: 0.9,
        stop_sequences: ['END'],
        metadata: { user_id: 'user-42' },
        system: [
          { type: 'text', text: 'Answer in one word.' },
          { type: 'text', text: 'Be exact.' },
        ],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Two plus two?' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'Four.' }] },
          { role: 'user', content: [{ type: 'text', text: 'And two times two?' }] },
        ],
      });
    });

    it('sends a data-URL image as a base64 image block', async () => {
      respond({ kind: 'message', text: 'A transparent pixel.' });
      const since = anthropic.requests.length;
      const data = await client.chat.completions.create({
        model: SONNET,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}`, detail: 'low' } },
            ],
          },
        ],
      });
      expect(data.choices[0]?.message.content).toBe('A transparent pixel.');
      const sent = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(sent);
      expect((sent.body as { messages: unknown }).messages).toEqual([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
          ],
        },
      ]);
    });

    it('returns a tool call, then sends the tool result back as a tool_result', async () => {
      respond({
        kind: 'message',
        id: 'msg_tool',
        text: 'Let me check.',
        toolUses: [{ id: 'toolu_01Weather', name: 'get_weather', input: { city: 'Paris' } }],
      });
      let since = anthropic.requests.length;
      const first = await client.chat.completions.create({
        model: SONNET,
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [weatherTool],
        tool_choice: 'auto',
      });
      expect(first.choices[0]).toMatchObject({
        finish_reason: 'tool_calls',
        message: {
          role: 'assistant',
          content: 'Let me check.',
          tool_calls: [
            {
              id: 'toolu_01Weather',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
      });
      let sent = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(sent);
      expect(sent.body).toEqual({
        model: SONNET,
        max_tokens: 4096,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }],
        tools: [
          {
            name: 'get_weather',
            description: 'Current weather for a city',
            input_schema: weatherTool.function.parameters,
          },
        ],
        tool_choice: { type: 'auto' },
      });

      respond({ kind: 'message', text: 'It is 21 °C in Paris.' });
      since = anthropic.requests.length;
      const assistant = first.choices[0]?.message as OpenAI.Chat.Completions.ChatCompletionMessageParam;
      const second = await client.chat.completions.create({
        model: SONNET,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          assistant,
          { role: 'tool', tool_call_id: 'toolu_01Weather', content: '{"temp":21}' },
        ],
        tools: [weatherTool],
      });
      expect(second.choices[0]?.message.content).toBe('It is 21 °C in Paris.');
      expect(second.choices[0]?.finish_reason).toBe('stop');
      sent = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(sent);
      expect((sent.body as { messages: unknown }).messages).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_01Weather', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01Weather', content: '{"temp":21}' }] },
      ]);
    });

    it('returns parallel tool calls and sends both results in one user turn', async () => {
      respond({
        kind: 'message',
        toolUses: [
          { id: 'toolu_A', name: 'get_weather', input: { city: 'Oslo' } },
          { id: 'toolu_B', name: 'get_weather', input: { city: 'Lima' } },
        ],
      });
      let since = anthropic.requests.length;
      const first = await client.chat.completions.create({
        model: SONNET,
        messages: [{ role: 'user', content: 'Weather in Oslo and Lima?' }],
        tools: [weatherTool],
      });
      const message = first.choices[0]?.message;
      expect(first.choices[0]?.finish_reason).toBe('tool_calls');
      expect(message?.content).toBeNull();
      expect(
        message?.tool_calls?.map((call) => call.type === 'function' && [call.id, call.function.arguments]),
      ).toEqual([
        ['toolu_A', '{"city":"Oslo"}'],
        ['toolu_B', '{"city":"Lima"}'],
      ]);
      expect(onlyPost(anthropic.requests, since).body).not.toHaveProperty('tool_choice');

      respond({ kind: 'message', text: 'Oslo 3 °C, Lima 19 °C.' });
      since = anthropic.requests.length;
      const second = await client.chat.completions.create({
        model: SONNET,
        messages: [
          { role: 'user', content: 'Weather in Oslo and Lima?' },
          message as OpenAI.Chat.Completions.ChatCompletionMessageParam,
          { role: 'tool', tool_call_id: 'toolu_A', content: '3 °C' },
          { role: 'tool', tool_call_id: 'toolu_B', content: '19 °C' },
        ],
        tools: [weatherTool],
        parallel_tool_calls: false,
      });
      expect(second.choices[0]?.message.content).toBe('Oslo 3 °C, Lima 19 °C.');
      const sent = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(sent);
      expect(sent.body).toMatchObject({
        tool_choice: { type: 'auto', disable_parallel_tool_use: true },
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo and Lima?' }] },
          {
            role: 'assistant',
            content: [
              { type: 'tool_use', id: 'toolu_A', name: 'get_weather', input: { city: 'Oslo' } },
              { type: 'tool_use', id: 'toolu_B', name: 'get_weather', input: { city: 'Lima' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_A', content: '3 °C' },
              { type: 'tool_result', tool_use_id: 'toolu_B', content: '19 °C' },
            ],
          },
        ],
      });
      expect((sent.body as { messages: unknown[] }).messages).toHaveLength(3);
    });

    it('answers json_schema through a forced answer tool, as JSON content', async () => {
      respond({
        kind: 'message',
        toolUses: [{ id: 'toolu_answer', name: 'weather_report', input: { city: 'Paris', temp: 21 } }],
      });
      const since = anthropic.requests.length;
      const data = await client.chat.completions.create({
        model: SONNET,
        messages: [{ role: 'user', content: 'Report the weather in Paris.' }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'weather_report', schema: reportSchema, strict: true },
        },
      });
      expect(data.choices[0]?.finish_reason).toBe('stop');
      expect(data.choices[0]?.message.tool_calls ?? []).toEqual([]);
      expect(JSON.parse(data.choices[0]?.message.content ?? '')).toEqual({ city: 'Paris', temp: 21 });
      const sent = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(sent);
      expect(sent.body).toEqual({
        model: SONNET,
        max_tokens: 4096,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Report the weather in Paris.' }] }],
        tools: [
          {
            name: 'weather_report',
            description: 'Give the final answer by calling this tool; its input is the answer.',
            input_schema: reportSchema,
          },
        ],
        tool_choice: { type: 'tool', name: 'weather_report' },
      });
    });

    it('turns reasoning_effort into a thinking budget and returns reasoning_content', async () => {
      respond({ kind: 'message', thinking: 'Two and two make four.', text: 'Four.' });
      let since = anthropic.requests.length;
      const data = await client.chat.completions.create({
        model: SONNET,
        messages: [{ role: 'user', content: 'Two plus two?' }],
        reasoning_effort: 'medium',
        temperature: 0.3,
      });
      expect(data.choices[0]?.message.content).toBe('Four.');
      expect((data.choices[0]?.message as RawMessage | undefined)?.reasoning_content).toBe('Two and two make four.');
      let sent = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(sent);
      // medium = 8192; the 4096 default is not above it, so the budget is added; no temperature with thinking.
      expect(sent.body).toEqual({
        model: SONNET,
        max_tokens: 12_288,
        thinking: { type: 'enabled', budget_tokens: 8192 },
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Two plus two?' }] }],
      });

      since = anthropic.requests.length;
      const stream = await client.chat.completions.create({
        model: SONNET,
        messages: [{ role: 'user', content: 'Two plus two?' }],
        reasoning_effort: 'low',
        max_tokens: 5000,
        stream: true,
      });
      let reasoning = '';
      let text = '';
      for await (const chunk of stream) {
        reasoning += (chunk.choices[0]?.delta as RawDelta | undefined)?.reasoning_content ?? '';
        text += chunk.choices[0]?.delta.content ?? '';
      }
      expect(reasoning).toBe('Two and two make four.');
      expect(text).toBe('Four.');
      sent = onlyPost(anthropic.requests, since);
      expect(sent.body).toMatchObject({ max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 2048 } });
    });

    it('streams text with a usage chunk whose prompt tokens include cached tokens', async () => {
      respond({
        kind: 'message',
        id: 'msg_stream',
        text: 'One two three four five.',
        usage: { input_tokens: 10, output_tokens: 7, cache_creation_input_tokens: 3, cache_read_input_tokens: 20 },
      });
      const since = anthropic.requests.length;
      const stream = await client.chat.completions.create({
        model: SONNET,
        messages: [{ role: 'user', content: 'Count to five.' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe('One two three four five.');
      expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(1);
      expect(chunks.every((chunk) => chunk.id === 'msg_stream')).toBe(true);
      expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toMatchObject({
        prompt_tokens: 33,
        completion_tokens: 7,
        total_tokens: 40,
        prompt_tokens_details: { cached_tokens: 20 },
      });
      expect(chunks.filter((chunk) => chunk.usage)).toHaveLength(1);
      const sent = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(sent);
      expect(sent.body).toEqual({
        model: SONNET,
        max_tokens: 4096,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Count to five.' }] }],
        stream: true,
      });
    });

    it('streams parallel tool calls: index, id and name first, then argument fragments', async () => {
      respond({
        kind: 'message',
        toolUses: [
          { id: 'toolu_S1', name: 'get_weather', input: { city: 'Reykjavik' } },
          { id: 'toolu_S2', name: 'get_weather', input: { city: 'Buenos Aires' } },
        ],
      });
      const since = anthropic.requests.length;
      const stream = await client.chat.completions.create({
        model: SONNET,
        messages: [{ role: 'user', content: 'Weather in Reykjavik and Buenos Aires?' }],
        tools: [weatherTool],
        stream: true,
      });
      const deltas: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(finish).toBe('tool_calls');
      expectStreamedCalls(deltas, [
        ['toolu_S1', { city: 'Reykjavik' }],
        ['toolu_S2', { city: 'Buenos Aires' }],
      ]);
      // The fake cuts the JSON into 7-character pieces: arguments arrive in several fragments.
      expect(deltas.filter((delta) => delta.index === 1 && !delta.id).length).toBeGreaterThan(1);
      const sent = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(sent);
      expect(sent.body).toMatchObject({ stream: true, tools: [{ name: 'get_weather' }] });
    });

    it('refuses n: 2 with a clear 400 without calling the upstream', async () => {
      const since = anthropic.requests.length;
      await expect(
        client.chat.completions.create({ model: SONNET, messages: [{ role: 'user', content: 'x' }], n: 2 }),
      ).rejects.toMatchObject({
        status: 400,
        type: 'invalid_request_error',
        param: 'n',
        message: expect.stringMatching(/n must be 1/),
      });
      expect(chatPosts(anthropic.requests, since)).toHaveLength(0);
    });

    it('answers 503 when the upstream stays overloaded (529) after the retry', async () => {
      respond({ kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded' });
      const since = anthropic.requests.length;
      const error = await client.chat.completions
        .create({ model: 'anthropic-overloaded', messages: [{ role: 'user', content: 'x' }] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error).toMatchObject({
        status: 503,
        type: 'server_error',
        code: 'upstream_overloaded',
        message: expect.stringContaining("Overloaded (provider 'anthropic-overloaded')"),
      });
      const posts = chatPosts(anthropic.requests, since);
      expect(posts).toHaveLength(2);
      for (const post of posts) expectAnthropicAuth(post);
    });

    it('fails over to the next Anthropic provider on 529', async () => {
      respond({ kind: 'error', status: 529, type: 'overloaded_error', message: 'Overloaded' });
      anthropicBackup.respondWith(() => ({ kind: 'message', text: 'From the backup.' }));
      const since = anthropic.requests.length;
      const sinceBackup = anthropicBackup.requests.length;
      const { data, response } = await client.chat.completions
        .create({ model: 'claude-failover', messages: [{ role: 'user', content: 'x' }] })
        .withResponse();
      expect(data.choices[0]?.message.content).toBe('From the backup.');
      expect(response.headers.get('x-switchboard-provider')).toBe('anthropic-backup');
      expect(response.headers.get('x-switchboard-attempts')).toBe('2');
      const flaky = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(flaky);
      expect(flaky.body).toMatchObject({ model: SONNET });
      const backup = onlyPost(anthropicBackup.requests, sinceBackup);
      expectAnthropicAuth(backup, anthropicBackupKey);
      expect(backup.body).toMatchObject({ model: HAIKU });
    });

    it('waits the retry-after of a 429 that fits the deadline, and passes on one that does not', async () => {
      respond(
        { kind: 'error', status: 429, type: 'rate_limit_error', message: 'Slow down', headers: { 'retry-after': '1' } },
        { kind: 'message', text: 'After the wait.' },
      );
      let since = anthropic.requests.length;
      const startedAt = Date.now();
      const { data, response } = await client.chat.completions
        .create({ model: 'anthropic-ratelimited', messages: [{ role: 'user', content: 'x' }] })
        .withResponse();
      expect(data.choices[0]?.message.content).toBe('After the wait.');
      expect(response.headers.get('x-switchboard-attempts')).toBe('2');
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
      expect(chatPosts(anthropic.requests, since)).toHaveLength(2);

      respond({
        kind: 'error',
        status: 429,
        type: 'rate_limit_error',
        message: 'Number of requests has exceeded your rate limit',
        headers: { 'retry-after': '30' },
      });
      since = anthropic.requests.length;
      const error = await client.chat.completions
        .create({ model: 'anthropic-parked', messages: [{ role: 'user', content: 'x' }] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' });
      expect((error as APIError).headers?.get('retry-after')).toBe('30');
      // 30 s does not fit the 5 s deadline: no sleeping, no second call.
      expect(chatPosts(anthropic.requests, since)).toHaveLength(1);
    });

    it("answers 401 invalid_api_key, naming the provider, when the gateway's Anthropic key is rejected", async () => {
      const since = anthropic.requests.length;
      const error = await client.chat.completions
        .create({ model: 'claude-with-bad-key', messages: [{ role: 'user', content: 'x' }] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error).toMatchObject({
        status: 401,
        type: 'authentication_error',
        code: 'invalid_api_key',
        message: expect.stringContaining("(provider 'anthropic-badkey')"),
      });
      expect((error as Error).message).not.toContain('sk-ant-revoked-key-000');
      // Not retried: a wrong key stays wrong.
      const sent = onlyPost(anthropic.requests, since);
      expectAnthropicAuth(sent, 'sk-ant-revoked-key-000');
      expect(sent.body).toMatchObject({ model: SONNET });
    });

    it('raises an APIError during iteration when the stream carries an error event', async () => {
      respond({ kind: 'stream-error', text: 'Partial ans', type: 'overloaded_error', message: 'Overloaded' });
      const since = anthropic.requests.length;
      const stream = await client.chat.completions.create({
        model: 'anthropic-stream-fault',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      });
      let text = '';
      const read = async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      };
      const error = await read().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as APIError).message).toContain("Overloaded (provider 'anthropic-stream-fault')");
      expect((error as APIError).error).toMatchObject({ type: 'server_error', code: 'upstream_overloaded' });
      expect(text).toBe('Partial ans');
      // The stream had started: no retry.
      expectAnthropicAuth(onlyPost(anthropic.requests, since));
    });
  });

  describe('Gemini', () => {
    const respond = (...answers: FakeGeminiAnswer[]) => gemini.respondWith(inOrder(...answers));

    it('answers a text chat', async () => {
      respond({
        kind: 'reply',
        text: 'Hello from Gemini.',
        usage: { promptTokenCount: 4, candidatesTokenCount: 5, totalTokenCount: 9 },
      });
      const since = gemini.requests.length;
      const { data, response } = await client.chat.completions
        .create({ model: FLASH, messages: [{ role: 'user', content: 'Hi' }] })
        .withResponse();
      expect(response.headers.get('x-switchboard-provider')).toBe('gemini');
      expect(data).toMatchObject({
        object: 'chat.completion',
        model: FLASH,
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from Gemini.' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 },
      });
      expect(data.id).toMatch(/^chatcmpl-/);
      const sent = onlyPost(gemini.requests, since);
      expectGeminiAuth(sent, FLASH, false);
      expect(sent.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
    });

    it('sends system messages as systemInstruction and the turns as user/model contents', async () => {
      respond({ kind: 'reply', text: 'Four.' });
      const since = gemini.requests.length;
      const data = await client.chat.completions.create({
        model: FLASH,
        messages: [
          { role: 'system', content: 'Answer in one word.' },
          { role: 'user', content: 'Two plus two?' },
          { role: 'assistant', content: 'Four.' },
          { role: 'user', content: 'And two times two?' },
        ],
        max_tokens: 50,
        temperature: 1.5,
        top_p: 0.8,
        stop: ['END'],
        seed: 7,
        user: 'user-42',
      });
      expect(data.choices[0]?.message.content).toBe('Four.');
      const sent = onlyPost(gemini.requests, since);
      expectGeminiAuth(sent, FLASH, false);
      expect(sent.body).toEqual({
        systemInstruction: { parts: [{ text: 'Answer in one word.' }] },
        contents: [
          { role: 'user', parts: [{ text: 'Two plus two?' }] },
          { role: 'model', parts: [{ text: 'Four.' }] },
          { role: 'user', parts: [{ text: 'And two times two?' }] },
        ],
        generationConfig: { maxOutputTokens: 50, temperature: 1.5, topP: 0.8, stopSequences: ['END'], seed: 7 },
      });
    });

    it('sends a data-URL image as inlineData', async () => {
      respond({ kind: 'reply', text: 'A transparent pixel.' });
      const since = gemini.requests.length;
      const data = await client.chat.completions.create({
        model: FLASH,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
            ],
          },
        ],
      });
      expect(data.choices[0]?.message.content).toBe('A transparent pixel.');
      const sent = onlyPost(gemini.requests, since);
      expectGeminiAuth(sent, FLASH, false);
      expect(sent.body).toEqual({
        contents: [
          {
            role: 'user',
            parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: PNG_BASE64 } }],
          },
        ],
      });
    });

    it('refuses a remote image URL with a 400 without calling the upstream', async () => {
      const since = gemini.requests.length;
      const error = await client.chat.completions
        .create({
          model: FLASH,
          messages: [
            {
              role: 'user',
              content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }],
            },
          ],
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'messages' });
      expect(chatPosts(gemini.requests, since)).toHaveLength(0);
    });

    it('returns a tool call, then sends the tool result back as a functionResponse', async () => {
      respond({ kind: 'reply', functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] });
      let since = gemini.requests.length;
      const first = await client.chat.completions.create({
        model: FLASH,
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [weatherTool],
        tool_choice: 'required',
      });
      const call = first.choices[0]?.message.tool_calls?.[0];
      expect(first.choices[0]?.finish_reason).toBe('tool_calls');
      expect(first.choices[0]?.message.tool_calls).toHaveLength(1);
      expect(call).toMatchObject({
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      });
      let sent = onlyPost(gemini.requests, since);
      expectGeminiAuth(sent, FLASH, false);
      expect(sent.body).toEqual({
        contents: [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }],
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                description: 'Current weather for a city',
                parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY' } },
      });

      respond({ kind: 'reply', text: 'It is 21 °C in Paris.' });
      since = gemini.requests.length;
      const second = await client.chat.completions.create({
        model: FLASH,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          first.choices[0]?.message as OpenAI.Chat.Completions.ChatCompletionMessageParam,
          { role: 'tool', tool_call_id: call?.id ?? '', content: '{"temp":21}' },
        ],
        tools: [weatherTool],
      });
      expect(second.choices[0]?.message.content).toBe('It is 21 °C in Paris.');
      expect(second.choices[0]?.finish_reason).toBe('stop');
      sent = onlyPost(gemini.requests, since);
      expectGeminiAuth(sent, FLASH, false);
      expect((sent.body as { contents: unknown }).contents).toEqual([
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }] },
      ]);
    });

    it('returns parallel tool calls and sends both results back in call order (Gemini 3: skip signature)', async () => {
      respond({
        kind: 'reply',
        functionCalls: [
          { name: 'get_weather', args: { city: 'Oslo' } },
          { name: 'get_time', args: { city: 'Lima' } },
        ],
      });
      let since = gemini.requests.length;
      const timeTool: OpenAI.Chat.Completions.ChatCompletionTool = {
        type: 'function',
        function: { name: 'get_time', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      };
      const first = await client.chat.completions.create({
        model: GEMINI_3,
        messages: [{ role: 'user', content: 'Weather in Oslo, time in Lima?' }],
        tools: [weatherTool, timeTool],
      });
      const message = first.choices[0]?.message;
      expect(first.choices[0]?.finish_reason).toBe('tool_calls');
      const calls = (message?.tool_calls ?? []).flatMap((call) => (call.type === 'function' ? [call] : []));
      expect(calls.map((call) => [call.function.name, call.function.arguments])).toEqual([
        ['get_weather', '{"city":"Oslo"}'],
        ['get_time', '{"city":"Lima"}'],
      ]);
      expect(new Set(calls.map((call) => call.id)).size).toBe(2);
      expectGeminiAuth(onlyPost(gemini.requests, since), GEMINI_3, false);

      respond({ kind: 'reply', text: 'Oslo 3 °C; it is 09:00 in Lima.' });
      since = gemini.requests.length;
      const second = await client.chat.completions.create({
        model: GEMINI_3,
        messages: [
          { role: 'user', content: 'Weather in Oslo, time in Lima?' },
          message as OpenAI.Chat.Completions.ChatCompletionMessageParam,
          // Answered out of order: Gemini matches by position, so the gateway puts them back in call order.
          { role: 'tool', tool_call_id: calls[1]?.id ?? '', content: '09:00' },
          { role: 'tool', tool_call_id: calls[0]?.id ?? '', content: '{"temp":3}' },
        ],
        tools: [weatherTool, timeTool],
      });
      expect(second.choices[0]?.message.content).toBe('Oslo 3 °C; it is 09:00 in Lima.');
      const sent = onlyPost(gemini.requests, since);
      expectGeminiAuth(sent, GEMINI_3, false);
      expect((sent.body as { contents: unknown }).contents).toEqual([
        { role: 'user', parts: [{ text: 'Weather in Oslo, time in Lima?' }] },
        {
          role: 'model',
          parts: [
            {
              functionCall: { name: 'get_weather', args: { city: 'Oslo' } },
              thoughtSignature: 'skip_thought_signature_validator',
            },
            { functionCall: { name: 'get_time', args: { city: 'Lima' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { temp: 3 } } },
            { functionResponse: { name: 'get_time', response: { content: '09:00' } } },
          ],
        },
      ]);
    });

    it('answers json_schema with responseMimeType and a converted responseSchema', async () => {
      respond({ kind: 'reply', text: '{"city":"Paris","temp":21}' });
      const since = gemini.requests.length;
      const data = await client.chat.completions.create({
        model: FLASH,
        messages: [{ role: 'user', content: 'Report the weather in Paris.' }],
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'weather_report', schema: reportSchema, strict: true },
        },
      });
      expect(data.choices[0]?.finish_reason).toBe('stop');
      expect(JSON.parse(data.choices[0]?.message.content ?? '')).toEqual({ city: 'Paris', temp: 21 });
      const sent = onlyPost(gemini.requests, since);
      expectGeminiAuth(sent, FLASH, false);
      expect(sent.body).toEqual({
        contents: [{ role: 'user', parts: [{ text: 'Report the weather in Paris.' }] }],
        generationConfig: {
          responseMimeType: 'application/json',
          responseSchema: {
            type: 'OBJECT',
            properties: { city: { type: 'STRING' }, temp: { type: 'NUMBER' } },
            required: ['city', 'temp'],
          },
        },
      });
    });

    it('turns reasoning_effort into thinkingConfig and returns thoughts as reasoning_content', async () => {
      const usage = { promptTokenCount: 8, candidatesTokenCount: 2, thoughtsTokenCount: 30, totalTokenCount: 40 };
      respond({ kind: 'reply', thought: 'Two and two make four.', text: 'Four.', usage });
      let since = gemini.requests.length;
      const data = await client.chat.completions.create({
        model: FLASH,
        messages: [{ role: 'user', content: 'Two plus two?' }],
        reasoning_effort: 'low',
      });
      expect(data.choices[0]?.message.content).toBe('Four.');
      expect((data.choices[0]?.message as RawMessage | undefined)?.reasoning_content).toBe('Two and two make four.');
      expect(data.usage).toMatchObject({
        prompt_tokens: 8,
        completion_tokens: 32,
        total_tokens: 40,
        completion_tokens_details: { reasoning_tokens: 30 },
      });
      let sent = onlyPost(gemini.requests, since);
      expectGeminiAuth(sent, FLASH, false);
      expect(sent.body).toEqual({
        contents: [{ role: 'user', parts: [{ text: 'Two plus two?' }] }],
        generationConfig: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
      });

      since = gemini.requests.length;
      const stream = await client.chat.completions.create({
        model: FLASH,
        messages: [{ role: 'user', content: 'Two plus two?' }],
        reasoning_effort: 'high',
        stream: true,
      });
      let reasoning = '';
      let text = '';
      for await (const chunk of stream) {
        reasoning += (chunk.choices[0]?.delta as RawDelta | undefined)?.reasoning_content ?? '';
        text += chunk.choices[0]?.delta.content ?? '';
      }
      expect(reasoning).toBe('Two and two make four.');
      expect(text).toBe('Four.');
      sent = onlyPost(gemini.requests, since);
      expectGeminiAuth(sent, FLASH, true);
      expect(sent.body).toMatchObject({
        generationConfig: { thinkingConfig: { thinkingBudget: 24576, includeThoughts: true } },
      });
    });

    it('streams text with a usage chunk whose prompt tokens include cached tokens', async () => {
      respond({
        kind: 'reply',
        text: 'One two three four five.',
        usage: { promptTokenCount: 30, cachedContentTokenCount: 12, candidatesTokenCount: 6, totalTokenCount: 36 },
      });
      const since = gemini.requests.length;
      const stream = await client.chat.completions.create({
        model: FLASH,
        messages: [{ role: 'user', content: 'Count to five.' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('One two three four five.');
      expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(1);
      expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
      expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toMatchObject({
        prompt_tokens: 30,
        completion_tokens: 6,
        total_tokens: 36,
        prompt_tokens_details: { cached_tokens: 12 },
      });
      expect(chunks.filter((chunk) => chunk.usage)).toHaveLength(1);
      const sent = onlyPost(gemini.requests, since);
      expectGeminiAuth(sent, FLASH, true);
      expect(sent.headers.accept).toBe('text/event-stream');
      expect(sent.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Count to five.' }] }] });
    });

    it('streams parallel tool calls: index, id and name first, with the arguments', async () => {
      respond({
        kind: 'reply',
        functionCalls: [
          { name: 'get_weather', args: { city: 'Reykjavik' } },
          { name: 'get_weather', args: { city: 'Buenos Aires' } },
        ],
      });
      const since = gemini.requests.length;
      const stream = await client.chat.completions.create({
        model: FLASH,
        messages: [{ role: 'user', content: 'Weather in Reykjavik and Buenos Aires?' }],
        tools: [weatherTool],
        stream: true,
      });
      const deltas: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(finish).toBe('tool_calls');
      expectStreamedCalls(deltas, [
        [expect.stringMatching(/^call_/), { city: 'Reykjavik' }],
        [expect.stringMatching(/^call_/), { city: 'Buenos Aires' }],
      ]);
      const sent = onlyPost(gemini.requests, since);
      expectGeminiAuth(sent, FLASH, true);
      expect(sent.body).toMatchObject({ tools: [{ functionDeclarations: [{ name: 'get_weather' }] }] });
    });

    it('answers 429 with the RetryInfo delay as retry-after when it does not fit the deadline', async () => {
      respond({
        kind: 'error',
        status: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '40s' }],
      });
      const since = gemini.requests.length;
      const error = await client.chat.completions
        .create({ model: 'gemini-parked', messages: [{ role: 'user', content: 'x' }] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
      expect((error as APIError).headers?.get('retry-after')).toBe('40');
      expectGeminiAuth(onlyPost(gemini.requests, since), FLASH, false);
    });

    it('retries a 503 and answers 503 when it persists', async () => {
      respond({ kind: 'error', status: 503, message: 'The model is overloaded. Please try again later.' });
      const since = gemini.requests.length;
      const error = await client.chat.completions
        .create({ model: 'gemini-unavailable', messages: [{ role: 'user', content: 'x' }] })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        status: 503,
        type: 'server_error',
        message: expect.stringContaining("overloaded. Please try again later. (provider 'gemini-unavailable')"),
      });
      expect(chatPosts(gemini.requests, since)).toHaveLength(2);
    });

    it("answers 401 invalid_api_key when Gemini rejects the gateway's key (400 API_KEY_INVALID)", async () => {
      const since = gemini.requests.length;
      const error = await client.chat.completions
        .create({ model: 'gemini-with-bad-key', messages: [{ role: 'user', content: 'x' }] })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error).toMatchObject({
        status: 401,
        type: 'authentication_error',
        code: 'invalid_api_key',
        message: expect.stringContaining("(provider 'gemini-badkey')"),
      });
      expectGeminiAuth(onlyPost(gemini.requests, since), FLASH, false, 'AIza-revoked-key-000');
    });

    it('raises an APIError during iteration when the stream carries an error event', async () => {
      respond({
        kind: 'events',
        events: [
          {
            candidates: [{ content: { role: 'model', parts: [{ text: 'Partial ' }] }, index: 0 }],
            usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
            modelVersion: FLASH,
          },
          { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
        ],
      });
      const since = gemini.requests.length;
      const stream = await client.chat.completions.create({
        model: 'gemini-stream-fault',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      });
      let text = '';
      const read = async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      };
      const error = await read().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as APIError).message).toContain("The model is overloaded. (provider 'gemini-stream-fault')");
      expect((error as APIError).error).toMatchObject({ type: 'server_error' });
      expect(text).toBe('Partial ');
      expectGeminiAuth(onlyPost(gemini.requests, since), FLASH, true);
    });
  });
});

/**
 * Streamed tool calls as a client rebuilds them: for each call, the first delta of its index carries the id, the
 * type and the name; later deltas of that index carry only argument fragments; the fragments join into the JSON.
 */
function expectStreamedCalls(
  deltas: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[],
  expected: Array<[unknown, Record<string, unknown>]>,
): void {
  const indexes = [...new Set(deltas.map((delta) => delta.index))];
  expect(indexes).toEqual(expected.map((_, index) => index));
  expected.forEach(([id, args], index) => {
    const own = deltas.filter((delta) => delta.index === index);
    expect(own[0]).toMatchObject({ index, id, type: 'function', function: { name: 'get_weather' } });
    expect(own.slice(1).every((delta) => delta.id === undefined && delta.function?.name === undefined)).toBe(true);
    expect(JSON.parse(own.map((delta) => delta.function?.arguments ?? '').join(''))).toEqual(args);
  });
}
