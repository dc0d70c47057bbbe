import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { readBody, serveFake } from './serve-fake.ts';

/**
 * A fake Anthropic Messages API on 127.0.0.1 that speaks the exact wire format (wire-formats §4): `GET /v1/models`
 * paginated with `after_id`, `POST /v1/messages` as JSON or as SSE with `event:` lines and `ping` events, error bodies
 * `{"type":"error","error":{type,message}}`, a mid-stream `event: error`, and a stream cut before `message_stop`.
 * Every request is recorded; each test scripts the answers with `respondWith`.
 */
export type RecordedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: unknown };

export type FakeAnthropicReply =
  | {
      kind: 'message';
      id?: string;
      model?: string;
      thinking?: string;
      text?: string;
      toolUses?: Array<{ id: string; name: string; input: Record<string, unknown> }>;
      stopReason?: string;
      usage?: {
        input_tokens: number;
        output_tokens: number;
        cache_creation_input_tokens?: number;
        cache_read_input_tokens?: number;
      };
    }
  /** A non-2xx answer with an Anthropic error body. */
  | { kind: 'error'; status: number; type: string; message: string; headers?: Record<string, string> }
  /** A 200 stream that sends some text, then `event: error`. */
  | { kind: 'stream-error'; text: string; type: string; message: string }
  /** A 200 stream that sends some text and ends without `message_delta` / `message_stop`. */
  | { kind: 'truncated-stream'; text: string };

export type FakeAnthropicHandler = (request: RecordedRequest) => FakeAnthropicReply;

export type FakeAnthropicOptions = {
  /** Entries of GET /v1/models (default: two models). */
  models?: Array<{ id: string; display_name: string; created_at: string }>;
  /** Models per page (default 1, so pagination is always exercised). */
  pageSize?: number;
  /** When set, requests must carry `x-api-key: <apiKey>`. */
  apiKey?: string;
};

export type FakeAnthropic = {
  /** `http://127.0.0.1:PORT/v1` */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Scripts the answer to every following `POST /v1/messages` (default: echoes the last user text). */
  respondWith(handler: FakeAnthropicHandler): void;
  close(): Promise<void>;
};

const DEFAULT_MODELS = [
  { id: 'claude-sonnet-4-5-20250929', display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' },
  { id: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', created_at: '2025-10-01T00:00:00Z' },
];

const echo: FakeAnthropicHandler = (request) => {
  const messages = ((request.body as { messages?: Array<{ role: string; content: unknown }> }).messages ?? []).filter(
    (message) => message.role === 'user',
  );
  const content = messages.at(-1)?.content;
  const text = Array.isArray(content)
    ? content.map((block: { text?: string }) => block.text ?? '').join('')
    : String(content ?? '');
  return { kind: 'message', text: `You said: ${text}` };
};

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  let handler: FakeAnthropicHandler = echo;
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    let body: unknown = raw === '' ? undefined : raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // keep the raw text
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const recorded = {
      method: request.method ?? 'GET',
      path: url.pathname + url.search,
      headers: request.headers,
      body,
    };
    requests.push(recorded);
    if (options.apiKey && request.headers['x-api-key'] !== options.apiKey) {
      return sendError(response, 401, 'authentication_error', 'invalid x-api-key');
    }
    if (!request.headers['anthropic-version']) {
      return sendError(response, 400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    if (request.method === 'GET' && url.pathname === '/v1/models') return sendModels(response, url);
    if (request.method === 'POST' && url.pathname === '/v1/messages') {
      if (typeof body !== 'object' || body === null) {
        return sendError(response, 400, 'invalid_request_error', 'The request body is not valid JSON.');
      }
      const reply = handler(recorded);
      if (reply.kind === 'error') return sendError(response, reply.status, reply.type, reply.message, reply.headers);
      const model = String((body as { model?: unknown }).model);
      if ((body as { stream?: unknown }).stream === true) return sendStream(response, reply, model);
      if (reply.kind !== 'message') return sendError(response, 500, 'api_error', 'A stream fault needs stream: true.');
      return sendJson(response, 200, messageBody(reply, model));
    }
    return sendError(response, 404, 'not_found_error', `Not found: ${request.method} ${url.pathname}`);
  }

  function sendModels(response: ServerResponse, url: URL): void {
    const models = options.models ?? DEFAULT_MODELS;
    const limit = Number(url.searchParams.get('limit') ?? options.pageSize ?? 1);
    const afterId = url.searchParams.get('after_id');
    const start = afterId ? models.findIndex((model) => model.id === afterId) + 1 : 0;
    const page = models.slice(start, start + limit);
    sendJson(response, 200, {
      data: page.map((model) => ({ type: 'model', ...model })),
      has_more: start + limit < models.length,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
    });
  }

  const served = await serveFake(handle);
  const { port } = served;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    respondWith(next) {
      handler = next;
    },
    close: served.close,
  };
}

function messageBody(reply: Extract<FakeAnthropicReply, { kind: 'message' }>, model: string) {
  const content: unknown[] = [];
  if (reply.thinking) content.push({ type: 'thinking', thinking: reply.thinking, signature: 'EqQBCgIYAhIMfakesig' });
  if (reply.text) content.push({ type: 'text', text: reply.text });
  for (const tool of reply.toolUses ?? []) content.push({ type: 'tool_use', ...tool });
  return {
    id: reply.id ?? 'msg_01FakeAnthropic',
    type: 'message',
    role: 'assistant',
    model: reply.model ?? model,
    content,
    stop_reason: reply.stopReason ?? (reply.toolUses?.length ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, ...usageOf(reply), service_tier: 'standard' },
  };
}

function usageOf(reply: FakeAnthropicReply) {
  return reply.kind === 'message' && reply.usage ? reply.usage : { input_tokens: 10, output_tokens: 5 };
}

/** The event order of a real stream (wire-formats §4.4), with pings at the start and between blocks. */
function sendStream(response: ServerResponse, reply: Exclude<FakeAnthropicReply, { kind: 'error' }>, model: string) {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const send = (type: string, data: Record<string, unknown>) =>
    response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const message = reply.kind === 'message' ? messageBody(reply, model) : messageBody({ kind: 'message' }, model);
  const usage = message.usage;
  send('message_start', {
    message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
  });
  send('ping', {});
  let index = 0;
  const block = (start: Record<string, unknown>, deltas: Array<Record<string, unknown>>) => {
    send('content_block_start', { index, content_block: start });
    for (const delta of deltas) send('content_block_delta', { index, delta });
    send('content_block_stop', { index });
    send('ping', {});
    index++;
  };
  if (reply.kind !== 'message') {
    send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    send('content_block_delta', { index: 0, delta: { type: 'text_delta', text: reply.text } });
    if (reply.kind === 'stream-error') send('error', { error: { type: reply.type, message: reply.message } });
    response.end();
    return;
  }
  if (reply.thinking) {
    block({ type: 'thinking', thinking: '', signature: '' }, [
      ...pieces(reply.thinking, 12).map((thinking) => ({ type: 'thinking_delta', thinking })),
      { type: 'signature_delta', signature: 'EqQBCgIYAhIMfakesig' },
    ]);
  }
  if (reply.text) {
    block(
      { type: 'text', text: '' },
      pieces(reply.text, 6).map((text) => ({ type: 'text_delta', text })),
    );
  }
  for (const tool of reply.toolUses ?? []) {
    const json = JSON.stringify(tool.input);
    block({ type: 'tool_use', id: tool.id, name: tool.name, input: {} }, [
      { type: 'input_json_delta', partial_json: '' },
      ...pieces(json, 7).map((partial_json) => ({ type: 'input_json_delta', partial_json })),
    ]);
  }
  send('message_delta', {
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  send('message_stop', {});
  response.end();
}

/** Cuts text into pieces of `size` characters, as a real stream cuts it at arbitrary places. */
function pieces(text: string, size: number): string[] {
  const result: string[] = [];
  for (let offset = 0; offset < text.length; offset += size) result.push(text.slice(offset, offset + size));
  return result;
}

function sendError(
  response: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { type: 'error', error: { type, message }, request_id: 'req_011FakeAnthropic' }, headers);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_011FakeAnthropic', ...headers });
  response.end(JSON.stringify(body));
}
