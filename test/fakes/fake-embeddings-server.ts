import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, serveFake } from './serve-fake.ts';

/**
 * A fake OpenAI-format embeddings upstream on 127.0.0.1 (wire-formats §3.1): `GET /v1/models` and
 * `POST /v1/embeddings` for text and token input, `dimensions`, and both `encoding_format`s, with OpenAI error
 * bodies. Vectors are `fakeVector(...)` of each input, made of values float32 holds exactly, so a test can compare
 * what an SDK decodes with `toEqual`. Every request is recorded.
 */
export type RecordedEmbeddingsRequest = {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
};

export type FakeEmbeddingsOptions = {
  /** Ids for `GET /v1/models` (default: one embedding model, one chat model). */
  models?: string[];
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Length of vectors when the request has no `dimensions` (default 8). */
  defaultDimensions?: number;
};

export type FakeEmbeddings = {
  baseUrl: string;
  requests: RecordedEmbeddingsRequest[];
  /** Statuses (with OpenAI error bodies) for the next embeddings requests, one each, in order. */
  failures: number[];
  close: () => Promise<void>;
};

/** The vector the fake answers for one input (a text or token ids): multiples of 1/64 in [-0.5, 0.5). */
export function fakeVector(input: string | number[], dimensions: number): number[] {
  const seed =
    typeof input === 'string'
      ? [...input].reduce((sum, char) => sum + (char.codePointAt(0) ?? 0), 0)
      : input.reduce((sum, token) => sum + token, 0);
  return Array.from({ length: dimensions }, (_, index) => ((seed + index * 7) % 64) / 64 - 0.5);
}

export async function startFakeEmbeddings(options: FakeEmbeddingsOptions = {}): Promise<FakeEmbeddings> {
  const requests: RecordedEmbeddingsRequest[] = [];
  const failures: number[] = [];
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
      return sendError(response, 401, 'Incorrect API key provided.', 'invalid_api_key');
    }
    if (request.method === 'GET' && path === '/v1/models') {
      const ids = options.models ?? ['text-embedding-3-small', 'gpt-4o-mini'];
      return sendJson(response, 200, {
        object: 'list',
        data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })),
      });
    }
    if (request.method === 'POST' && path === '/v1/embeddings') {
      const failure = failures.shift();
      if (failure !== undefined) return sendError(response, failure, `Fake failure ${failure}.`, null);
      return embeddings(response, (body ?? {}) as Record<string, unknown>);
    }
    return sendError(response, 404, `Unknown path ${path}`, null);
  }

  function embeddings(response: ServerResponse, body: Record<string, unknown>) {
    const { input, model, dimensions, encoding_format: format } = body;
    if (typeof model !== 'string') return sendError(response, 400, "'model' is required", null, 'model');
    const inputs: Array<string | number[]> =
      typeof input === 'string' || (Array.isArray(input) && typeof input[0] === 'number')
        ? [input as string | number[]]
        : Array.isArray(input)
          ? (input as Array<string | number[]>)
          : [];
    if (inputs.length === 0) return sendError(response, 400, "'$.input' is invalid.", null, 'input');
    const length = typeof dimensions === 'number' ? dimensions : (options.defaultDimensions ?? 8);
    let tokens = 0;
    const data = inputs.map((item, index) => {
      tokens += typeof item === 'string' ? Math.max(1, item.split(/\s+/).length) : item.length;
      const vector = fakeVector(item, length);
      return { object: 'embedding', index, embedding: format === 'base64' ? toBase64(vector) : vector };
    });
    sendJson(response, 200, { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  const served = await serveFake(handle);
  const { port } = served;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    failures,
    close: served.close,
  };
}

function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

function sendError(
  response: ServerResponse,
  status: number,
  message: string,
  code: string | null,
  param: string | null = null,
): void {
  const type = status >= 500 ? 'server_error' : 'invalid_request_error';
  sendJson(response, status, { error: { message, type, param, code } });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
