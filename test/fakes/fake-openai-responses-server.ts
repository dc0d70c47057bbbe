import type { IncomingMessage, ServerResponse } from 'node:http';
import { serveFake } from './serve-fake.ts';

/**
 * A fake of OpenAI's own Responses API on 127.0.0.1 (wire-formats §2): `GET /v1/models` and `POST /v1/responses` as a
 * JSON Response object or as named SSE events (`event:` + `data:` with `type` and `sequence_number`). It answers
 * "Native: <input text>" and records every request, so a test can check that a body reached it untouched.
 */
export type RecordedResponsesRequest = {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
};

export type FakeOpenAIResponses = {
  baseUrl: string;
  requests: RecordedResponsesRequest[];
  /** The SSE text sent for the last streamed answer, to compare with what the client received. */
  lastStreamText: () => string;
  close: () => Promise<void>;
};

export async function startFakeOpenAIResponses(
  options: { models?: string[]; apiKey?: string } = {},
): Promise<FakeOpenAIResponses> {
  const requests: RecordedResponsesRequest[] = [];
  let lastStream = '';
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parts: Buffer[] = [];
    for await (const part of request) parts.push(part as Buffer);
    const text = Buffer.concat(parts).toString('utf8');
    const body: unknown = text ? JSON.parse(text) : undefined;
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
      const ids = options.models ?? ['gpt-4.1'];
      return sendJson(response, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 1_715_367_049, owned_by: 'system' })),
      });
    }
    if (request.method !== 'POST' || path !== '/v1/responses') {
      return sendJson(response, 404, {
        error: { message: `Unknown path ${path}`, type: 'invalid_request_error', param: null, code: 'unknown_url' },
      });
    }
    const input = (body as { input?: unknown }).input;
    const answer = `Native: ${typeof input === 'string' ? input : JSON.stringify(input)}`;
    const model = String((body as { model?: unknown }).model);
    const message = {
      type: 'message',
      id: 'msg_native_1',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: answer, annotations: [], logprobs: [] }],
    };
    const usage = {
      input_tokens: 11,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 14,
    };
    const base = {
      id: 'resp_native_1',
      object: 'response',
      created_at: 1_730_000_000,
      error: null,
      incomplete_details: null,
      instructions: null,
      model,
      tools: [],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      temperature: 1,
      top_p: 1,
      metadata: {},
      previous_response_id: (body as { previous_response_id?: unknown }).previous_response_id ?? null,
    };
    if ((body as { stream?: unknown }).stream !== true) {
      return sendJson(response, 200, { ...base, status: 'completed', output: [message], usage });
    }
    const at = { item_id: 'msg_native_1', output_index: 0, content_index: 0 };
    const part = { type: 'output_text', text: '', annotations: [], logprobs: [] };
    const events: Array<Record<string, unknown>> = [
      { type: 'response.created', response: { ...base, status: 'in_progress', output: [], usage: null } },
      { type: 'response.in_progress', response: { ...base, status: 'in_progress', output: [], usage: null } },
      { type: 'response.output_item.added', output_index: 0, item: { ...message, status: 'in_progress', content: [] } },
      { type: 'response.content_part.added', ...at, part },
      { type: 'response.output_text.delta', ...at, delta: answer, logprobs: [] },
      { type: 'response.output_text.done', ...at, text: answer, logprobs: [] },
      { type: 'response.content_part.done', ...at, part: message.content[0] },
      { type: 'response.output_item.done', output_index: 0, item: message },
      { type: 'response.completed', response: { ...base, status: 'completed', output: [message], usage } },
    ];
    lastStream = events
      .map((event, index) => `event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`)
      .join('');
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    response.end(lastStream);
  }

  const served = await serveFake(handle);
  const { port } = served;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    lastStreamText: () => lastStream,
    close: served.close,
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
