import type { IncomingHttpHeaders } from 'node:http';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { ChatOpenAI } from '@langchain/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic-server.ts';
import { type FakeGemini, startFakeGemini } from '../fakes/fake-gemini-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

/**
 * The same chat over the Vercel AI SDK (openai-compatible provider) and LangChain (ChatOpenAI), through the spawned
 * gateway, against one Anthropic-backed and one Gemini-backed model. Each case checks the answer the SDK returns and
 * the request the gateway sent upstream.
 */

const gatewayKey = 'sk-gw-other-sdks-0001';
const anthropicKey = 'sk-ant-upstream-sdks';
const geminiKey = 'AIza-upstream-sdks';
const SONNET = 'claude-sonnet-4-5-20250929';
const FLASH = 'gemini-2.5-flash';

type AnthropicBody = {
  model: string;
  stream?: boolean;
  tools?: Array<{ name: string }>;
  messages: Array<{ role: string; content: Array<{ type: string; text?: string; content?: unknown }> }>;
};
type GeminiBody = {
  tools?: unknown[];
  contents: Array<{ role: string; parts: Array<{ text?: string; functionResponse?: unknown }> }>;
};

const FINAL_ANSWER = 'It is 21 degrees in Paris.';

function posts<T extends { method: string }>(requests: T[], since: number): T[] {
  return requests.slice(since).filter((request) => request.method === 'POST');
}

function expectNoClientCredentials(headers: IncomingHttpHeaders): void {
  expect(headers.authorization).toBeUndefined();
  expect(JSON.stringify(headers)).not.toContain(gatewayKey);
}

type Backend = {
  name: 'anthropic' | 'gemini';
  model: string;
  /** The chat POSTs the fake received since `since`, checked for path and auth headers. */
  sentSince: (since: number, stream: boolean) => Array<{ body: unknown }>;
  requestCount: () => number;
  /** The text of the last user turn of an upstream body. */
  lastUserText: (body: unknown) => string;
  /** The tool result the upstream body carries, as the upstream sees it. */
  toolResult: (body: unknown) => unknown;
  hasTools: (body: unknown) => boolean;
};

describe('the Vercel AI SDK and LangChain through the spawned gateway', () => {
  let anthropic: FakeAnthropic;
  let gemini: FakeGemini;
  let gateway: SpawnedGateway;
  const backends: Backend[] = [];

  beforeAll(async () => {
    anthropic = await startFakeAnthropic({ apiKey: anthropicKey });
    gemini = await startFakeGemini({ apiKey: geminiKey });
    // Stateless scripts, so any SDK's sequence of calls gets sensible answers: a tool result gets the final answer,
    // a request offering tools gets a call, anything else the echo.
    anthropic.respondWith((request) => {
      const body = request.body as AnthropicBody;
      const last = body.messages.at(-1)?.content ?? [];
      if (last.some((block) => block.type === 'tool_result')) return { kind: 'message', text: FINAL_ANSWER };
      if (body.tools?.length) {
        return { kind: 'message', toolUses: [{ id: 'toolu_sdk_1', name: 'get_weather', input: { city: 'Paris' } }] };
      }
      return { kind: 'message', text: `You said: ${last.map((block) => block.text ?? '').join('')}` };
    });
    gemini.respondWith((request) => {
      const body = request.body as GeminiBody;
      const last = body.contents.at(-1)?.parts ?? [];
      if (last.some((part) => part.functionResponse)) return { kind: 'reply', text: FINAL_ANSWER };
      if (body.tools?.length)
        return { kind: 'reply', functionCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] };
      return { kind: 'reply', text: `You said: ${last.map((part) => part.text ?? '').join('')}` };
    });
    gateway = await spawnGateway({
      config: {
        auth: { keys: [gatewayKey] },
        providers: [
          { id: 'anthropic', type: 'anthropic', baseUrl: anthropic.baseUrl, apiKey: anthropicKey },
          { id: 'gemini', type: 'gemini', baseUrl: gemini.baseUrl, apiKey: geminiKey },
        ],
        routing: { retries: 0, timeoutMs: 5000 },
      },
    });
    backends.push(
      {
        name: 'anthropic',
        model: SONNET,
        requestCount: () => anthropic.requests.length,
        sentSince(since, stream) {
          const sent = posts(anthropic.requests, since);
          for (const request of sent) {
            expect(request.path).toBe('/v1/messages');
            expect(request.headers['x-api-key']).toBe(anthropicKey);
            expect(request.headers['anthropic-version']).toBe('2023-06-01');
            expectNoClientCredentials(request.headers);
            expect((request.body as AnthropicBody).model).toBe(SONNET);
            expect((request.body as AnthropicBody).stream === true).toBe(stream);
          }
          return sent;
        },
        lastUserText: (body) =>
          ((body as AnthropicBody).messages.filter((message) => message.role === 'user').at(-1)?.content ?? [])
            .map((block) => block.text ?? '')
            .join(''),
        toolResult: (body) =>
          (body as AnthropicBody).messages
            .flatMap((message) => message.content)
            .find((block) => block.type === 'tool_result'),
        hasTools: (body) => Boolean((body as AnthropicBody).tools?.length),
      },
      {
        name: 'gemini',
        model: FLASH,
        requestCount: () => gemini.requests.length,
        sentSince(since, stream) {
          const sent = posts(gemini.requests, since);
          for (const request of sent) {
            expect(request.path).toBe(
              stream
                ? `/v1beta/models/${FLASH}:streamGenerateContent?alt=sse`
                : `/v1beta/models/${FLASH}:generateContent`,
            );
            expect(request.headers['x-goog-api-key']).toBe(geminiKey);
            expectNoClientCredentials(request.headers);
          }
          return sent;
        },
        lastUserText: (body) =>
          ((body as GeminiBody).contents.filter((content) => content.role === 'user').at(-1)?.parts ?? [])
            .map((part) => part.text ?? '')
            .join(''),
        toolResult: (body) =>
          (body as GeminiBody).contents.flatMap((content) => content.parts).find((part) => part.functionResponse),
        hasTools: (body) => Boolean((body as GeminiBody).tools?.length),
      },
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await anthropic?.close();
    await gemini?.close();
  });

  const weatherTool = () =>
    tool({
      description: 'Current weather for a city',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, temp: 21 }),
    });

  /** What the upstream must have received as the tool's result, per backend. */
  const expectedToolResult = (backend: Backend, content: string) =>
    backend.name === 'anthropic'
      ? { type: 'tool_result', tool_use_id: 'toolu_sdk_1', content }
      : { functionResponse: { name: 'get_weather', response: JSON.parse(content) } };

  describe.each(['anthropic', 'gemini'] as const)('Vercel AI SDK, %s-backed model', (name) => {
    const backend = () => backends.find((candidate) => candidate.name === name) as Backend;
    const provider = () =>
      createOpenAICompatible({ name: 'switchboard', baseURL: gateway.baseURL, apiKey: gatewayKey, includeUsage: true });

    it('generateText answers a system + user chat', async () => {
      const since = backend().requestCount();
      const result = await generateText({
        model: provider()(backend().model),
        system: 'Be brief.',
        prompt: 'Hello there',
        maxRetries: 0,
      });
      expect(result.text).toBe('You said: Hello there');
      expect(result.finishReason).toBe('stop');
      expect(result.usage.inputTokens).toBe(10);
      const [sent] = backend().sentSince(since, false);
      expect(backend().lastUserText(sent?.body)).toBe('Hello there');
      expect(JSON.stringify(sent?.body)).toContain('Be brief.');
    });

    it('generateText runs a tool round trip', async () => {
      const since = backend().requestCount();
      const result = await generateText({
        model: provider()(backend().model),
        prompt: 'Weather in Paris?',
        tools: { get_weather: weatherTool() },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      });
      expect(result.steps).toHaveLength(2);
      expect(result.steps[0]?.finishReason).toBe('tool-calls');
      expect(result.steps[0]?.toolCalls.map((call) => [call.toolName, call.input])).toEqual([
        ['get_weather', { city: 'Paris' }],
      ]);
      expect(result.text).toBe(FINAL_ANSWER);
      const [first, second] = backend().sentSince(since, false);
      expect(backend().hasTools(first?.body)).toBe(true);
      expect(backend().toolResult(second?.body)).toEqual(expectedToolResult(backend(), '{"city":"Paris","temp":21}'));
    });

    it('streamText streams text with usage', async () => {
      const since = backend().requestCount();
      const result = streamText({ model: provider()(backend().model), prompt: 'stream me please', maxRetries: 0 });
      const pieces: string[] = [];
      for await (const piece of result.textStream) pieces.push(piece);
      expect(pieces.join('')).toBe('You said: stream me please');
      expect(pieces.length).toBeGreaterThan(1);
      expect(await result.finishReason).toBe('stop');
      expect((await result.usage).inputTokens).toBe(10);
      const [sent] = backend().sentSince(since, true);
      expect(backend().lastUserText(sent?.body)).toBe('stream me please');
    });

    it('streamText streams a tool call, runs it and streams the answer', async () => {
      const since = backend().requestCount();
      const result = streamText({
        model: provider()(backend().model),
        prompt: 'Weather in Paris?',
        tools: { get_weather: weatherTool() },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      });
      const toolResults: unknown[] = [];
      for await (const part of result.fullStream) {
        if (part.type === 'error') throw part.error;
        if (part.type === 'tool-result') toolResults.push(part.output);
      }
      expect(toolResults).toEqual([{ city: 'Paris', temp: 21 }]);
      const steps = await result.steps;
      expect(steps).toHaveLength(2);
      expect(steps[0]?.toolCalls.map((call) => [call.toolName, call.input])).toEqual([
        ['get_weather', { city: 'Paris' }],
      ]);
      expect(await result.text).toBe(FINAL_ANSWER);
      const [first, second] = backend().sentSince(since, true);
      expect(backend().hasTools(first?.body)).toBe(true);
      expect(backend().toolResult(second?.body)).toEqual(expectedToolResult(backend(), '{"city":"Paris","temp":21}'));
    });
  });

  describe.each(['anthropic', 'gemini'] as const)('LangChain ChatOpenAI, %s-backed model', (name) => {
    const backend = () => backends.find((candidate) => candidate.name === name) as Backend;
    const chat = () =>
      new ChatOpenAI({
        model: backend().model,
        apiKey: gatewayKey,
        configuration: { baseURL: gateway.baseURL },
        maxRetries: 0,
        timeout: 10_000,
      });

    it('invoke answers a system + user chat', async () => {
      const since = backend().requestCount();
      const answer = await chat().invoke([new SystemMessage('Be brief.'), new HumanMessage('Hello there')]);
      expect(answer.content).toBe('You said: Hello there');
      expect(answer.usage_metadata?.input_tokens).toBe(10);
      const [sent] = backend().sentSince(since, false);
      expect(backend().lastUserText(sent?.body)).toBe('Hello there');
      expect(JSON.stringify(sent?.body)).toContain('Be brief.');
    });

    it('invoke with a bound tool returns the call, and the tool result gets the answer', async () => {
      const since = backend().requestCount();
      const withTools = chat().bindTools([
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ]);
      const question = new HumanMessage('Weather in Paris?');
      const call = await withTools.invoke([question]);
      expect(call.tool_calls).toHaveLength(1);
      expect(call.tool_calls?.[0]).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
      const callId = call.tool_calls?.[0]?.id as string;
      if (name === 'anthropic') expect(callId).toBe('toolu_sdk_1');
      const answer = await withTools.invoke([
        question,
        new AIMessage({ content: call.content, tool_calls: call.tool_calls }),
        new ToolMessage({ tool_call_id: callId, content: '{"city":"Paris","temp":21}' }),
      ]);
      expect(answer.content).toBe(FINAL_ANSWER);
      const [first, second] = backend().sentSince(since, false);
      expect(backend().hasTools(first?.body)).toBe(true);
      expect(backend().toolResult(second?.body)).toEqual(expectedToolResult(backend(), '{"city":"Paris","temp":21}'));
    });

    it('stream yields the text in chunks, with usage', async () => {
      const since = backend().requestCount();
      const stream = await chat().stream([new HumanMessage('stream me please')]);
      let text = '';
      let chunks = 0;
      let inputTokens: number | undefined;
      for await (const chunk of stream) {
        text += typeof chunk.content === 'string' ? chunk.content : '';
        chunks++;
        inputTokens = chunk.usage_metadata?.input_tokens ?? inputTokens;
      }
      expect(text).toBe('You said: stream me please');
      expect(chunks).toBeGreaterThan(2);
      expect(inputTokens).toBe(10);
      const [sent] = backend().sentSince(since, true);
      expect(backend().lastUserText(sent?.body)).toBe('stream me please');
    });
  });
});
