import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

/**
 * A lean OpenAI-format upstream for the bench, run as its own process: `GET /v1/models`, and
 * `POST /v1/chat/completions` answered from pre-built bytes, as JSON or as an SSE stream of `--chunks` data events
 * (role chunk, content chunks, finish chunk) plus `data: [DONE]`, written `--chunk-interval-ms` apart.
 * Prints `fast-upstream ready: http://127.0.0.1:PORT` when listening.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    chunks: { type: 'string', default: '20' },
    'chunk-interval-ms': { type: 'string', default: '5' },
  },
});
const chunkCount = Math.max(3, Number(values.chunks));
const chunkIntervalMs = Number(values['chunk-interval-ms']);
const created = 1_730_000_000;
const cache = new Map<string, { json: Buffer; events: Buffer[] }>();

function answersFor(model: string): { json: Buffer; events: Buffer[] } {
  let answers = cache.get(model);
  if (answers) return answers;
  const id = 'chatcmpl-bench0001';
  const words = Array.from({ length: chunkCount - 2 }, (_, index) => `word${index} `);
  const json = Buffer.from(
    JSON.stringify({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: words.join('').trim(), refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: words.length, total_tokens: 12 + words.length },
      system_fingerprint: 'fp_bench',
    }),
  );
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    Buffer.from(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_bench', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`,
    );
  const events = [
    chunk({ role: 'assistant', content: '' }),
    ...words.map((word) => chunk({ content: word })),
    chunk({}, 'stop'),
    Buffer.from('data: [DONE]\n\n'),
  ];
  answers = { json, events };
  cache.set(model, answers);
  return answers;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('error', reject);
  });
}

function stream(response: ServerResponse, events: Buffer[]): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  let index = 0;
  const next = () => {
    if (response.destroyed) return;
    if (index === events.length - 1) {
      response.end(events[index]);
      return;
    }
    response.write(events[index++]);
    if (chunkIntervalMs > 0) setTimeout(next, chunkIntervalMs);
    else setImmediate(next);
  };
  next();
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const raw = await readBody(request);
  if (request.method === 'GET' && request.url?.startsWith('/v1/models')) {
    const body = JSON.stringify({
      object: 'list',
      data: [{ id: 'bench-model', object: 'model', created, owned_by: 'bench' }],
    });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}');
    return;
  }
  const body = JSON.parse(raw) as { model?: string; stream?: boolean };
  const answers = answersFor(String(body.model ?? 'bench-model'));
  if (body.stream === true) return stream(response, answers.events);
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': answers.json.length });
  response.end(answers.json);
}

const server = createServer((request, response) => {
  handle(request, response).catch(() => response.destroy());
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`fast-upstream ready: http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
