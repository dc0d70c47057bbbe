import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeFetch } from './create-node-fetch.ts';

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

describe('createNodeFetch: the Node upstream client', () => {
  let server: Server;
  let base: string;
  let handler: Handler = (_request, _body, response) => response.end('ok');
  const fetchUpstream = createNodeFetch();

  beforeAll(async () => {
    server = createServer((request, response) => {
      const parts: Buffer[] = [];
      request.on('data', (part: Buffer) => parts.push(part));
      request.on('end', () => handler(request, Buffer.concat(parts).toString(), response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends method, headers and body, and reads status, headers and JSON', async () => {
    handler = (request, body, response) => {
      response.writeHead(201, { 'content-type': 'application/json', 'x-echo': String(request.headers['x-test']) });
      response.end(JSON.stringify({ method: request.method, body }));
    };
    const response = await fetchUpstream(`${base}/echo`, {
      method: 'POST',
      headers: { 'x-test': 'yes', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(await response.json()).toEqual({ method: 'POST', body: '{"a":1}' });
  });

  it('decompresses a gzip answer and streams a body as bytes', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip' });
      response.end(gzipSync('compressed text'));
    };
    expect(await (await fetchUpstream(`${base}/gz`)).text()).toBe('compressed text');

    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: one\n\n');
      setTimeout(() => response.end('data: two\n\n'), 20);
    };
    const streamed = await fetchUpstream(`${base}/sse`);
    const text = await new Response(streamed.body).text();
    expect(text).toBe('data: one\n\ndata: two\n\n');
  });

  it('follows a redirect, keeping the method for 307', async () => {
    handler = (request, body, response) => {
      if (request.url === '/old') {
        response.writeHead(307, { location: '/new' });
        response.end();
        return;
      }
      response.end(`${request.method} ${request.url} ${body}`);
    };
    const response = await fetchUpstream(`${base}/old`, { method: 'POST', body: 'kept' });
    expect(await response.text()).toBe('POST /new kept');
  });

  it("redirect 'manual' returns the 3xx as it came, and 'error' rejects", async () => {
    const paths: string[] = [];
    handler = (request, _body, response) => {
      paths.push(request.url ?? '');
      response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      response.end('moved');
    };
    const manual = await fetchUpstream(`${base}/moved`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('http://127.0.0.1:1/elsewhere');
    expect(await manual.text()).toBe('moved');
    await expect(fetchUpstream(`${base}/moved`, { redirect: 'error' })).rejects.toBeInstanceOf(TypeError);
    expect(paths).toEqual(['/moved', '/moved']);
  });

  it('rejects with the signal reason on abort, and a TypeError with the socket cause when nothing listens', async () => {
    handler = () => undefined; // never answers
    const controller = new AbortController();
    const pending = fetchUpstream(`${base}/stall`, { signal: controller.signal });
    const reason = new Error('deadline');
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);

    const refused = await fetchUpstream('http://127.0.0.1:9/closed').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError & { cause: { code?: string } }).cause.code).toBe('ECONNREFUSED');
  });

  it('reports a body cut mid-read as TypeError("terminated")', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"partial":');
      setTimeout(() => response.socket?.destroy(), 20);
    };
    const response = await fetchUpstream(`${base}/cut`);
    const error = await response.text().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('terminated');
  });

  it('reports a gzip body cut mid-read as TypeError("terminated") instead of waiting for the decompressor', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      const whole = gzipSync(JSON.stringify({ text: 'x'.repeat(50_000) }));
      response.write(whole.subarray(0, 200));
      setTimeout(() => response.socket?.destroy(), 20);
    };
    const response = await fetchUpstream(`${base}/cut-gzip`);
    const error = await response.text().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('terminated');
  });

  it('errors a gzip body stream cut mid-read instead of leaving its reader waiting', async () => {
    handler = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
      response.write(gzipSync(`data: ${'y'.repeat(50_000)}\n\n`).subarray(0, 200));
      setTimeout(() => response.socket?.destroy(), 20);
    };
    const response = await fetchUpstream(`${base}/cut-gzip-stream`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const error = await (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return undefined;
      }
    })().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('terminated');
  });

  it('keeps the connection of a stream cancelled at its end, and closes one cancelled while still arriving', async () => {
    let connections = 0;
    let ending = true;
    const own = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: one\n\n');
      // The last event and the end of the body together, as a server that finishes after [DONE] sends them.
      if (ending) setTimeout(() => response.end('data: [DONE]\n\n'), 30);
      else setTimeout(() => response.write('data: [DONE]\n\n'), 30); // and never ends the body
    });
    own.on('connection', () => connections++);
    await new Promise<void>((resolve) => own.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(own.address() as AddressInfo).port}/sse`;
    const fetchOwn = createNodeFetch();
    // As the gateway reads an SSE stream: decoded, then a transform that terminates at [DONE], which cancels the
    // body (the body's own end may not have been read yet).
    const readTwoThenCancel = async () => {
      const body = (await fetchOwn(url)).body as ReadableStream<Uint8Array>;
      const stopAtDone = new TransformStream<string, string>({
        transform(text, controller) {
          if (text.includes('[DONE]')) controller.terminate();
          else controller.enqueue(text);
        },
      });
      const decode = new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>;
      const reader = body.pipeThrough(decode).pipeThrough(stopAtDone).getReader();
      while (!(await reader.read()).done);
      // The connection goes back to the pool once the body's end is read, a moment later.
      await new Promise((resolve) => setTimeout(resolve, 100));
    };
    try {
      // The whole answer is in: cancelling reads out the body's end, so the next call reuses the connection.
      await readTwoThenCancel();
      await readTwoThenCancel();
      expect(connections).toBe(1);
      // A body that has not ended at [DONE]: cancelling closes its connection (an upstream still sending stops), and
      // the next call opens one.
      ending = false;
      await readTwoThenCancel();
      ending = true;
      await readTwoThenCancel();
      expect(connections).toBe(2);
    } finally {
      own.closeAllConnections();
      await new Promise<void>((resolve) => own.close(() => resolve()));
    }
  });

  it('calls the same URL many times from one parsed target, query string and port included', async () => {
    handler = (request, _body, response) => response.end(request.url);
    for (let round = 0; round < 3; round++) {
      const response = await fetchUpstream(`${base}/v1/models?after=m${round}`);
      expect(await response.text()).toBe(`/v1/models?after=m${round}`);
    }
  });

  it('refuses a whole-body read past maxBufferedBodyBytes, declared or arriving, and closes that connection', async () => {
    const bounded = createNodeFetch({ maxBufferedBodyBytes: 1024 });
    const closed: string[] = [];
    handler = (request, _body, response) => {
      request.socket.once('close', () => closed.push(request.url ?? ''));
      if (request.url === '/declared') {
        response.writeHead(200, { 'content-length': '4096' });
        response.end('x'.repeat(4096));
      } else if (request.url === '/arriving') {
        // No content-length: chunked, so the size shows only while the bytes arrive.
        response.writeHead(200);
        response.write('x'.repeat(800));
        setTimeout(() => response.end('x'.repeat(800)), 10);
      } else {
        response.end('x'.repeat(1000));
      }
    };
    await expect((await bounded(`${base}/declared`)).text()).rejects.toBeInstanceOf(RangeError);
    await expect((await bounded(`${base}/arriving`)).text()).rejects.toThrow(/larger than 1024 bytes/);
    expect(await (await bounded(`${base}/small`)).text()).toHaveLength(1000);
    // The refused answers' connections are closed; the small one's stays in the pool.
    await expect.poll(() => [...closed].sort()).toEqual(['/arriving', '/declared']);
  });
});
