import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, serveFake } from './serve-fake.ts';

/**
 * A fake Gemini API (`v1beta`) on 127.0.0.1 speaking the exact wire format (wire-formats §5): the paginated model
 * list, `:generateContent` as JSON, `:streamGenerateContent?alt=sse` as CRLF-framed events with no terminator (and,
 * without `alt=sse`, the JSON-array stream the real endpoint sends), `:embedContent` and `:batchEmbedContents`
 * (vectors from `fakeGeminiVector`), and Google error bodies. Answers are scripted with `respondWith` (for embed
 * calls only its errors count); every request is recorded for assertions.
 */

export type RecordedRequest = {
  method: string;
  /** Path and query, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`. */
  path: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (the raw text when it is not JSON; undefined without a body). */
  body: unknown;
  /** For generate calls: the model id from the path and the method after the colon. */
  model?: string;
  action?: 'generateContent' | 'streamGenerateContent' | 'embedContent' | 'batchEmbedContents';
};

export type FakeGeminiUsage = {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
};

export type FakeGeminiAnswer =
  /** A model turn, built into the right shape for the method: text pieces, then calls, then the finish. */
  | {
      kind: 'reply';
      text?: string;
      /** Thought-summary text, sent first as `thought: true` parts. */
      thought?: string;
      functionCalls?: Array<{ name: string; args: Record<string, unknown> }>;
      finishReason?: string;
      usage?: FakeGeminiUsage;
      /** Pieces the text is streamed in (default: words). */
      pieces?: string[];
    }
  /** An HTTP error with Google's body `{"error":{code,message,status,details}}`. */
  | {
      kind: 'error';
      status: number;
      message?: string;
      grpcStatus?: string;
      details?: unknown[];
      headers?: Record<string, string>;
    }
  /** Stream events sent verbatim (mid-stream errors, truncation), or a non-stream body sent verbatim. */
  | { kind: 'events'; events: unknown[] }
  /** Sends this many events of the reply, then cuts the connection. */
  | { kind: 'drop'; afterEvents: number; reply: Extract<FakeGeminiAnswer, { kind: 'reply' }> };

export type FakeGeminiHandler = (request: RecordedRequest) => FakeGeminiAnswer;

export type FakeGeminiModel = {
  name: string;
  displayName?: string;
  supportedGenerationMethods: string[];
  inputTokenLimit?: number;
  outputTokenLimit?: number;
};

export type FakeGeminiOptions = {
  models?: FakeGeminiModel[];
  /** Largest page the list sends whatever the client asks (the real one caps at 1000); small values force paging. */
  maxPageSize?: number;
  /** When set, requests must carry it in `x-goog-api-key` (or `?key=`), else a 400 `API_KEY_INVALID`. */
  apiKey?: string;
  /** `modelVersion` on answers (default: the model in the path). */
  modelVersion?: string;
};

export type FakeGemini = {
  baseUrl: string;
  requests: RecordedRequest[];
  respondWith(handler: FakeGeminiHandler): void;
  close(): Promise<void>;
};

const DEFAULT_MODELS: FakeGeminiModel[] = [
  {
    name: 'models/gemini-2.5-flash',
    displayName: 'Gemini 2.5 Flash',
    supportedGenerationMethods: ['generateContent', 'countTokens', 'createCachedContent'],
  },
  {
    name: 'models/gemini-2.0-flash',
    displayName: 'Gemini 2.0 Flash',
    supportedGenerationMethods: ['generateContent', 'countTokens'],
  },
  {
    name: 'models/gemini-embedding-001',
    displayName: 'Gemini Embedding 001',
    supportedGenerationMethods: ['embedContent', 'countTokens'],
  },
  { name: 'models/imagen-3.0-generate-002', displayName: 'Imagen 3.0', supportedGenerationMethods: ['predict'] },
];

const GRPC_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export async function startFakeGemini(options: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const requests: RecordedRequest[] = [];
  const models = options.models ?? DEFAULT_MODELS;
  let handler: FakeGeminiHandler = echoLastUserText;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const path = request.url ?? '/';
    const url = new URL(path, 'http://fake');
    const recorded: RecordedRequest = { method: request.method ?? 'GET', path, headers: request.headers, body };
    const generate =
      /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/.exec(
        url.pathname,
      );
    if (generate) {
      recorded.model = decodeURIComponent(generate[1]);
      recorded.action = generate[2] as RecordedRequest['action'];
    }
    requests.push(recorded);

    if (options.apiKey) {
      const key = request.headers['x-goog-api-key'] ?? url.searchParams.get('key');
      if (key !== options.apiKey) {
        return sendError(response, {
          kind: 'error',
          status: 400,
          message: 'API key not valid. Please pass a valid API key.',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
            },
          ],
        });
      }
    }
    if (request.method === 'GET' && url.pathname === '/v1beta/models') return sendModelPage(response, url);
    if (request.method === 'POST' && (recorded.action === 'embedContent' || recorded.action === 'batchEmbedContents')) {
      const answer = handler(recorded);
      if (answer.kind === 'error') return sendError(response, answer);
      return sendEmbeddings(response, recorded);
    }
    if (request.method === 'POST' && generate && recorded.action) {
      const answer = handler(recorded);
      const modelVersion = options.modelVersion ?? recorded.model ?? 'unknown';
      if (answer.kind === 'error') return sendError(response, answer);
      if (recorded.action === 'generateContent') return sendJson(response, 200, wholeResponse(answer, modelVersion));
      return sendStream(response, answer, modelVersion, url.searchParams.get('alt') === 'sse');
    }
    return sendError(response, {
      kind: 'error',
      status: 404,
      message: `Method not found: ${request.method} ${url.pathname}`,
    });
  }

  function sendModelPage(response: ServerResponse, url: URL): void {
    const asked = Number(url.searchParams.get('pageSize') ?? 50);
    const size = Math.max(1, Math.min(asked || 50, options.maxPageSize ?? 1000));
    const token = url.searchParams.get('pageToken');
    const start = token ? Number(atob(token)) : 0;
    const page = models.slice(start, start + size).map((model) => ({
      version: '001',
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 8192,
      temperature: 1,
      topP: 0.95,
      topK: 64,
      ...model,
    }));
    const next = start + size < models.length ? { nextPageToken: btoa(String(start + size)) } : {};
    sendJson(response, 200, { models: page, ...next });
  }

  const served = await serveFake(handle);
  const { port } = served;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1beta`,
    requests,
    respondWith(next) {
      handler = next;
    },
    close: served.close,
  };
}

/** The vector the fake embeds a text as: `dimensions` values (default 4) that float32 holds exactly. */
export function fakeGeminiVector(text: string, dimensions = 4): number[] {
  return Array.from({ length: dimensions }, (_, index) => ((text.length + index * 3) % 32) / 32 - 0.25);
}

type EmbedRequest = {
  model?: unknown;
  content?: { parts?: Array<{ text?: unknown }> };
  outputDimensionality?: unknown;
};

/**
 * `:embedContent` → `{"embedding":{"values"}}`; `:batchEmbedContents` → `{"embeddings":[{"values"}]}`, one per
 * request in order. Like the real API, a batch holds at most 100 requests, each naming the path's model.
 */
function sendEmbeddings(response: ServerResponse, recorded: RecordedRequest) {
  const vectorOf = (request: EmbedRequest | undefined) => {
    const text = (request?.content?.parts ?? [])
      .map((part) => (typeof part.text === 'string' ? part.text : ''))
      .join('');
    const dimensions = typeof request?.outputDimensionality === 'number' ? request.outputDimensionality : undefined;
    return { values: fakeGeminiVector(text, dimensions) };
  };
  const invalid = (message: string) => sendError(response, { kind: 'error', status: 400, message });
  if (recorded.action === 'embedContent') {
    const body = recorded.body as EmbedRequest | undefined;
    if (!body?.content?.parts?.length) return invalid('* EmbedContentRequest.content: contents is not specified');
    return sendJson(response, 200, { embedding: vectorOf(body) });
  }
  const requests = (recorded.body as { requests?: EmbedRequest[] } | undefined)?.requests ?? [];
  if (requests.length === 0) return invalid('* BatchEmbedContentsRequest.requests: contents is not specified');
  if (requests.length > 100)
    return invalid('* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch');
  const stray = requests.find((request) => request.model !== `models/${recorded.model}`);
  if (stray) return invalid(`Model names should match: models/${recorded.model} and ${String(stray.model)}`);
  sendJson(response, 200, { embeddings: requests.map(vectorOf) });
}

/** The default answer: the last user text echoed back. */
function echoLastUserText(request: RecordedRequest): FakeGeminiAnswer {
  const contents =
    (request.body as { contents?: Array<{ role: string; parts: Array<{ text?: string }> }> })?.contents ?? [];
  const lastUser = contents.filter((content) => content.role === 'user').at(-1);
  const text = lastUser?.parts.map((part) => part.text ?? '').join('') ?? '';
  return { kind: 'reply', text: `You said: ${text}` };
}

/** The reply as stream events: one per text piece with running usage, calls whole in the last event with the finish. */
function replyEvents(reply: Extract<FakeGeminiAnswer, { kind: 'reply' }>, modelVersion: string): unknown[] {
  const usage = reply.usage ?? defaultUsage(reply);
  const pieces: Array<Record<string, unknown>> = [];
  if (reply.thought) pieces.push({ text: reply.thought, thought: true });
  for (const piece of reply.pieces ?? (reply.text ?? '').match(/\S+\s*|\s+/g) ?? []) pieces.push({ text: piece });
  const calls = (reply.functionCalls ?? []).map((call) => ({ functionCall: { name: call.name, args: call.args } }));
  const finish = {
    finishReason: reply.finishReason ?? 'STOP',
    ...(calls.length > 0 ? { finishMessage: 'Model generated function call(s).' } : {}),
  };
  const events = pieces.map((part, position) =>
    event([part], position === pieces.length - 1 && calls.length === 0 ? finish : {}, usage, modelVersion),
  );
  if (calls.length > 0 || events.length === 0)
    events.push(event(calls.length > 0 ? calls : [{ text: '' }], finish, usage, modelVersion));
  return events;
}

function event(
  parts: unknown[],
  extra: Record<string, unknown>,
  usage: FakeGeminiUsage,
  modelVersion: string,
): unknown {
  return {
    candidates: [{ content: { parts, role: 'model' }, ...extra, index: 0 }],
    usageMetadata: usage,
    modelVersion,
    responseId: 'fake-response-1',
  };
}

function wholeResponse(answer: FakeGeminiAnswer, modelVersion: string): unknown {
  if (answer.kind === 'events') return answer.events[0];
  const reply = answer.kind === 'drop' ? answer.reply : (answer as Extract<FakeGeminiAnswer, { kind: 'reply' }>);
  const parts: unknown[] = [];
  if (reply.thought) parts.push({ text: reply.thought, thought: true });
  if (reply.text) parts.push({ text: reply.text });
  for (const call of reply.functionCalls ?? []) parts.push({ functionCall: { name: call.name, args: call.args } });
  return event(parts, { finishReason: reply.finishReason ?? 'STOP' }, reply.usage ?? defaultUsage(reply), modelVersion);
}

function defaultUsage(reply: { text?: string }): FakeGeminiUsage {
  const candidates = Math.max(1, Math.ceil((reply.text ?? '').length / 4));
  return { promptTokenCount: 10, candidatesTokenCount: candidates, totalTokenCount: 10 + candidates };
}

async function sendStream(
  response: ServerResponse,
  answer: FakeGeminiAnswer,
  modelVersion: string,
  sse: boolean,
): Promise<void> {
  const events =
    answer.kind === 'events'
      ? answer.events
      : replyEvents(
          answer.kind === 'drop' ? answer.reply : (answer as Extract<FakeGeminiAnswer, { kind: 'reply' }>),
          modelVersion,
        );
  const limit = answer.kind === 'drop' ? answer.afterEvents : events.length;
  response.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json; charset=UTF-8' });
  if (!sse) response.write('[');
  for (let index = 0; index < limit; index++) {
    const json = JSON.stringify(events[index]);
    // Real SSE events end with CRLF CRLF; without alt=sse the endpoint streams one JSON array.
    response.write(sse ? `data: ${json}\r\n\r\n` : `${index === 0 ? '' : ',\r\n'}${json}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (answer.kind === 'drop') {
    response.destroy();
    return;
  }
  response.end(sse ? '' : ']');
}

function sendError(response: ServerResponse, answer: Extract<FakeGeminiAnswer, { kind: 'error' }>): void {
  const error: Record<string, unknown> = {
    code: answer.status,
    message: answer.message ?? `Fake error ${answer.status}.`,
    status: answer.grpcStatus ?? GRPC_STATUS[answer.status] ?? 'UNKNOWN',
  };
  if (answer.details) error.details = answer.details;
  sendJson(response, answer.status, { error }, answer.headers);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  response.end(JSON.stringify(body, null, 2));
}
