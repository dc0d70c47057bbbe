import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, serveFake, sleep } from './serve-fake.ts';

/**
 * A fake OpenAI-format upstream on 127.0.0.1 that speaks the exact wire format (wire-formats §1): model list,
 * chat completions as JSON and as SSE (role chunk, content chunks, finish chunk, usage chunk, `[DONE]`), tool-call
 * deltas, OpenAI error bodies, and faults on demand. Every request is recorded for assertions.
 */
export type RecordedRequest = { method: string; path: string; headers: IncomingMessage['headers']; body: unknown };

export type FakeReply = {
  content?: string;
  reasoning?: string;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  /** Pieces the content is streamed in (default: words). */
  pieces?: string[];
};

export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'stall-before-headers' }
  | { kind: 'stall-mid-stream'; afterChunks: number }
  | { kind: 'drop-mid-stream'; afterChunks: number }
  | { kind: 'error-event-mid-stream'; afterChunks: number }
  | { kind: 'malformed-json' }
  | { kind: 'malformed-sse' }
  | { kind: 'no-done' }
  /** Answers a stream request with the whole JSON completion, as servers that ignore `stream` do. */
  | { kind: 'ignore-stream' }
  | { kind: 'delay'; ms: number };

export type FakeOpenAIOptions = {
  /** Ids for GET /models (default two models). */
  models?: string[];
  /** Body of GET /models as given (overrides `models`), for parser tests. */
  modelsBody?: unknown;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Builds the answer to a chat request (default: echoes the last user message). */
  reply?: (body: Record<string, unknown>) => FakeReply;
  /** Milliseconds to wait before answering each chat request. */
  latencyMs?: number;
  /** Milliseconds between streamed chunks. */
  chunkIntervalMs?: number;
};

export type FakeOpenAI = {
  baseUrl: string;
  port: number;
  requests: RecordedRequest[];
  /** Faults applied to the next chat requests, one each, in order. */
  faults: Fault[];
  /** Sockets currently open to the fake (to check that nothing leaks). */
  openSockets: () => number;
  close: () => Promise<void>;
};

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // keep the raw text
    }
    const path = request.url ?? '/';
    requests.push({ method: request.method ?? 'GET', path, headers: request.headers, body });
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(response, 401, {
        error: {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      });
    }
    if (request.method === 'GET' && path.startsWith('/v1/models')) {
      const ids = options.models ?? ['gpt-4o-mini', 'gpt-4o'];
      return sendJson(
        response,
        200,
        options.modelsBody ?? {
          object: 'list',
          data: ids.map((id) => ({ id, object: 'model', created: 1_715_367_049, owned_by: 'system' })),
        },
      );
    }
    if (request.method === 'POST' && path === '/v1/chat/completions') {
      return chat(response, body as Record<string, unknown>);
    }
    return sendJson(response, 404, {
      error: { message: `Unknown path ${path}`, type: 'invalid_request_error', param: null, code: 'unknown_url' },
    });
  }

  async function chat(response: ServerResponse, body: Record<string, unknown>): Promise<void> {
    let fault = faults.shift();
    if (fault?.kind === 'delay') {
      await sleep(fault.ms);
      fault = faults.shift();
    }
    if (options.latencyMs) await sleep(options.latencyMs);
    if (fault?.kind === 'status') {
      return sendJson(
        response,
        fault.status,
        fault.body ?? {
          error: { message: `Fake failure ${fault.status}`, type: 'server_error', param: null, code: null },
        },
        fault.headers,
      );
    }
    if (fault?.kind === 'stall-before-headers') return; // never answers; the client must time out
    if (fault?.kind === 'malformed-json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"id": "chatcmpl-broken", "choices": [');
      return;
    }
    const reply = (options.reply ?? echo)(body);
    const model = String(body.model);
    const id = 'chatcmpl-fake123';
    const created = 1_730_000_000;
    const usage = reply.usage ?? { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 };
    const finishReason = reply.finishReason ?? (reply.toolCalls ? 'tool_calls' : 'stop');
    if (body.stream !== true || fault?.kind === 'ignore-stream') {
      const message: Record<string, unknown> = {
        role: 'assistant',
        content: reply.toolCalls && !reply.content ? null : (reply.content ?? ''),
        refusal: null,
        annotations: [],
      };
      if (reply.reasoning) message.reasoning_content = reply.reasoning;
      if (reply.toolCalls) {
        message.tool_calls = reply.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        }));
      }
      return sendJson(response, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
        usage,
        service_tier: 'default',
        system_fingerprint: 'fp_fake',
      });
    }
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
      obfuscation: 'x1y2',
    });
    const events: string[] = [];
    events.push(JSON.stringify(chunk({ role: 'assistant', content: '', refusal: null })));
    if (reply.reasoning) events.push(JSON.stringify(chunk({ reasoning_content: reply.reasoning })));
    const pieces = reply.pieces ?? (reply.content ? (reply.content.match(/\S+\s*/g) ?? [reply.content]) : []);
    for (const piece of pieces) events.push(JSON.stringify(chunk({ content: piece })));
    reply.toolCalls?.forEach((call, index) => {
      events.push(
        JSON.stringify(
          chunk({
            tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
          }),
        ),
      );
      const half = Math.ceil(call.arguments.length / 2);
      for (const fragment of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
        if (fragment)
          events.push(JSON.stringify(chunk({ tool_calls: [{ index, function: { arguments: fragment } }] })));
      }
    });
    events.push(JSON.stringify(chunk({}, finishReason)));
    if (includeUsage) {
      events.push(
        JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage, obfuscation: 'z' }),
      );
    }
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    response.write(': keep-alive\n\n');
    for (let index = 0; index < events.length; index++) {
      if (fault && 'afterChunks' in fault && index === fault.afterChunks) {
        if (fault.kind === 'stall-mid-stream') return; // holds the connection open without sending more
        if (fault.kind === 'drop-mid-stream') {
          // Let the chunks already written reach the client first, then cut the connection.
          await sleep(100);
          response.socket?.destroy();
          return;
        }
        if (fault.kind === 'error-event-mid-stream') {
          response.end(
            `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } })}\n\n`,
          );
          return;
        }
      }
      if (fault?.kind === 'malformed-sse' && index === 1) {
        response.end('data: {"id": not json\n\n');
        return;
      }
      // Split each event across two writes, with CRLF framing on odd events, as real proxies do.
      const text = index % 2 === 1 ? `data: ${events[index]}\r\n\r\n` : `data: ${events[index]}\n\n`;
      const cut = Math.floor(text.length / 2);
      response.write(text.slice(0, cut));
      response.write(text.slice(cut));
      if (options.chunkIntervalMs) await sleep(options.chunkIntervalMs);
    }
    if (fault?.kind === 'no-done') {
      response.end();
      return;
    }
    response.end('data: [DONE]\n\n');
  }

  const served = await serveFake(handle);
  const { port } = served;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    faults,
    openSockets: served.openSockets,
    close: served.close,
  };
}

function echo(body: Record<string, unknown>): FakeReply {
  const messages = (body.messages as Array<{ role: string; content: unknown }>) ?? [];
  const last = [...messages].reverse().find((message) => message.role === 'user');
  const text = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  return { content: `Echo: ${text}` };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}
