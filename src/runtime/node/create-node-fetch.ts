import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Most redirects followed for one call (upstream APIs rarely redirect; fetch's default is 20). */
const MAX_REDIRECTS = 5;

/** Parsed upstream URLs kept; the cache starts over past this (URLs come from config, so this is never reached). */
const MAX_CACHED_TARGETS = 1_000;

/** An upstream URL as node:http's request options take it. */
type Target = {
  href: string;
  protocol: 'http:' | 'https:';
  hostname: string;
  port: string;
  path: string;
  auth: string;
};

function toTarget(url: URL): Target {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${url.protocol}`) });
  }
  // Bracketed IPv6 literals are passed to node:http without their brackets.
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const auth =
    url.username || url.password ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : '';
  return {
    href: url.href,
    protocol: url.protocol,
    hostname,
    port: url.port,
    path: `${url.pathname}${url.search}`,
    auth,
  };
}

/**
 * A `fetch` for calls to upstreams on Node, built on `node:http` with keep-alive agents. Node's built-in fetch spends
 * most of a proxied request's CPU on spec machinery (Web streams for every body, signals, header lists); this one
 * buffers a JSON answer into one Buffer and builds a Web stream only when the caller reads `body` (SSE). It is
 * injected through `AppDeps.fetch`, so the core still sees the Web `fetch` contract: method, headers, string or byte
 * bodies, `signal` (rejects with its reason), redirects (`redirect: 'follow'`, `'manual'` returns the 3xx as it came,
 * `'error'` rejects), gzip/deflate/br answers; network failures reject with a
 * `TypeError` whose `cause` is the socket error, and a body cut mid-read errors with `TypeError('terminated')`.
 * A body read whole (`text()`, `json()`, `arrayBuffer()`) larger than `maxBufferedBodyBytes` is not held: its
 * connection is closed and the read rejects with a `RangeError` (fetch itself has no such bound; a runaway upstream
 * would otherwise fill the process's memory). A streamed `body` is not bounded here: its reader decides.
 */
export function createNodeFetch(options: { maxSockets?: number; maxBufferedBodyBytes?: number } = {}): typeof fetch {
  const maxBufferedBodyBytes = options.maxBufferedBodyBytes ?? Number.POSITIVE_INFINITY;
  const agentOptions = {
    keepAlive: true,
    keepAliveMsecs: 30_000,
    maxSockets: options.maxSockets ?? 256,
    scheduling: 'lifo' as const,
  };
  const agents = { 'http:': new HttpAgent(agentOptions), 'https:': new HttpsAgent(agentOptions) };

  // The same few upstream URLs are called over and over: parse each once into node:http's request options.
  const targets = new Map<string, Target>();
  const targetOf = (href: string): Target => {
    let target = targets.get(href);
    if (!target) {
      if (targets.size >= MAX_CACHED_TARGETS) targets.clear();
      target = toTarget(new URL(href));
      targets.set(href, target);
    }
    return target;
  };

  const nodeFetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    let url = targetOf(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    let method = (init.method ?? 'GET').toUpperCase();
    let body = toBodyBytes(init.body);
    const headers = toHeaderRecord(init.headers);
    const signal = init.signal ?? undefined;
    for (let redirects = 0; ; redirects++) {
      const incoming = await send(url, method, headers, body, signal);
      const status = incoming.statusCode ?? 502;
      const location = incoming.headers.location;
      const redirect = location && [301, 302, 303, 307, 308].includes(status);
      if (redirect && init.redirect === 'error') {
        incoming.resume();
        throw new TypeError('fetch failed', { cause: new Error(`redirected to ${location}`) });
      }
      if (redirect && init.redirect !== 'manual' && redirects < MAX_REDIRECTS) {
        incoming.resume();
        url = toTarget(new URL(location, url.href));
        if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
          method = 'GET';
          body = undefined;
          delete headers['content-type'];
          delete headers['content-length'];
        }
        continue;
      }
      return new NodeResponse(incoming, status, decode(incoming), signal, maxBufferedBodyBytes) as unknown as Response;
    }
  };

  function send(
    url: Target,
    method: string,
    headers: Record<string, string>,
    body: Uint8Array | undefined,
    signal: AbortSignal | undefined,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const { protocol } = url;
      const requester = protocol === 'https:' ? httpsRequest : httpRequest;
      const outgoing = requester({
        protocol,
        hostname: url.hostname,
        port: url.port,
        path: url.path,
        ...(url.auth ? { auth: url.auth } : {}),
        method,
        headers,
        agent: agents[protocol],
      });
      const onAbort = () => {
        outgoing.destroy();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      outgoing.once('response', (incoming) => {
        // From here the abort is the body's business (see NodeResponse).
        signal?.removeEventListener('abort', onAbort);
        resolve(incoming);
      });
      outgoing.once('error', (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      });
      outgoing.end(body);
    });
  }

  return nodeFetch as typeof fetch;
}

/**
 * The answer's bytes, decompressed when the server compressed them anyway. A socket lost mid-body does not travel
 * through `pipe`, so it is handed to the decompressor, whose readers would otherwise wait for an end that never comes.
 */
function decode(incoming: IncomingMessage): Readable {
  const decompressor = decompressorFor(incoming.headers['content-encoding']);
  if (!decompressor) return incoming;
  const fail = (error?: unknown) => decompressor.destroy(error instanceof Error ? error : new Error('aborted'));
  incoming.once('error', fail);
  incoming.once('aborted', fail);
  return incoming.pipe(decompressor);
}

function decompressorFor(encoding: string | undefined): Transform | undefined {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return undefined;
  }
}

/**
 * The part of `Response` the gateway reads: status, headers, `text()`/`json()`/`arrayBuffer()` from one buffered read,
 * and `body` as a Web stream made on first use. Aborting the signal, or cancelling a body still arriving, destroys the
 * socket.
 */
class NodeResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly redirected = false;
  readonly type = 'basic';
  readonly url: string;
  private readonly incoming: IncomingMessage;
  private readonly source: Readable;
  private cachedHeaders: Headers | undefined;
  private stream: ReadableStream<Uint8Array> | undefined;
  private used = false;
  private readonly maxBufferedBodyBytes: number;

  constructor(
    incoming: IncomingMessage,
    status: number,
    source: Readable,
    signal: AbortSignal | undefined,
    maxBufferedBodyBytes: number,
  ) {
    this.incoming = incoming;
    this.source = source;
    this.maxBufferedBodyBytes = maxBufferedBodyBytes;
    this.status = status;
    this.ok = status >= 200 && status < 300;
    this.statusText = incoming.statusMessage ?? '';
    this.url = '';
    if (signal) {
      const onAbort = () => source.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      source.once('close', () => signal.removeEventListener('abort', onAbort));
    }
  }

  get headers(): Headers {
    if (!this.cachedHeaders) {
      const headers = new Headers();
      const raw = this.incoming.rawHeaders;
      for (let index = 0; index < raw.length; index += 2)
        headers.append(raw[index] as string, raw[index + 1] as string);
      this.cachedHeaders = headers;
    }
    return this.cachedHeaders;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  get body(): ReadableStream<Uint8Array> {
    if (!this.stream) {
      const source = this.source;
      const markUsed = () => {
        this.used = true;
      };
      const iterator = source[Symbol.asyncIterator]();
      this.stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          markUsed();
          try {
            const { done, value } = await iterator.next();
            if (done) controller.close();
            else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
          } catch (error) {
            controller.error(terminated(error));
          }
        },
        cancel: () => {
          // A whole answer already received (an SSE stream stopped at its `[DONE]`, with only the body's end left
          // to read) is read out, so its keep-alive connection goes back to the pool; destroying it would close the
          // connection. Anything still arriving is cut off: the upstream stops generating at once.
          if (this.incoming.complete) source.resume();
          else source.destroy();
        },
      });
    }
    return this.stream;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array> {
    if (this.used) throw new TypeError('Body is unusable: Body has already been read');
    this.used = true;
    if (this.stream) return readAll(this.stream);
    const source = this.source;
    const incoming = this.incoming;
    const limit = this.maxBufferedBodyBytes;
    const tooLarge = () => new RangeError(`The upstream answer is larger than ${limit} bytes.`);
    if (Number(incoming.headers['content-length'] ?? 0) > limit) {
      source.destroy();
      throw tooLarge();
    }
    // Events, not `for await`: an async iterator over a Node stream costs a promise and a buffer object per chunk.
    return new Promise<Uint8Array>((resolve, reject) => {
      const parts: Buffer[] = [];
      let size = 0;
      const onData = (part: Buffer) => {
        parts.push(part);
        size += part.byteLength;
        if (size <= limit) return;
        parts.length = 0;
        settle(undefined, tooLarge());
        source.destroy();
      };
      const settle = (error?: unknown, refusal?: RangeError) => {
        source.off('data', onData);
        source.off('end', onEnd);
        source.off('error', onError);
        source.off('close', onClose);
        if (refusal) reject(refusal);
        else if (error !== undefined) reject(terminated(error));
        else resolve(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts));
      };
      const onEnd = () => settle();
      const onError = (error: unknown) => settle(error);
      // A close without an end: the socket went away mid-body.
      const onClose = () => settle(source.errored ?? new Error('aborted'));
      source.on('data', onData);
      source.once('end', onEnd);
      source.once('error', onError);
      source.once('close', onClose);
      if (source.destroyed) settle(source.errored ?? new Error('aborted'));
      else if (incoming.aborted) settle(new Error('aborted'));
    });
  }

  async text(): Promise<string> {
    const bytes = await this.bytes();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return Buffer.concat(parts);
}

function terminated(cause: unknown): unknown {
  if (cause instanceof DOMException || (cause instanceof Error && cause.name === 'GatewayError')) return cause;
  return new TypeError('terminated', { cause });
}

function toBodyBytes(body: RequestInit['body']): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('Only string and byte bodies are supported by the gateway’s upstream client.');
}

function toHeaderRecord(headers: RequestInit['headers']): Record<string, string> {
  const record: Record<string, string> = {};
  if (!headers) return record;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      record[name] = value;
    });
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers) record[name.toLowerCase()] = value;
  } else {
    for (const [name, value] of Object.entries(headers)) record[name.toLowerCase()] = value;
  }
  return record;
}
