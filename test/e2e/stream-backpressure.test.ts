import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedFake, serveFake, sleep } from '../fakes/serve-fake.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

/**
 * A client that stops reading must stop the upstream too: the gateway reads the upstream only as fast as the client
 * takes the answer, so a stalled client leaves the upstream's writes waiting (TCP backpressure) instead of the gateway
 * buffering the whole answer in memory.
 */
const eventCount = 8192;
/** ~8 KB of content per event: 64 MB in all, more than the socket buffers on the path can hold. */
const piece = 'x'.repeat(8 * 1024);

type FloodState = { written: number; finished: boolean; lastProgressAt: number; closed: boolean };

describe('stream backpressure through the gateway', () => {
  let upstream: ServedFake;
  let gateway: SpawnedGateway;
  const key = 'sk-gw-backpressure-key';
  const flood: FloodState = { written: 0, finished: false, lastProgressAt: 0, closed: false };

  beforeAll(async () => {
    upstream = await serveFake(async (request, response) => {
      if (request.method === 'GET') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ object: 'list', data: [{ id: 'flood-model', object: 'model', owned_by: 'x' }] }));
        return;
      }
      request.resume();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.on('close', () => {
        flood.closed = true;
      });
      const base = { id: 'chatcmpl-flood', object: 'chat.completion.chunk', created: 1, model: 'flood-model' };
      for (let index = 0; index < eventCount && !response.destroyed; index++) {
        const chunk = { ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] };
        const more = response.write(`data: ${JSON.stringify(chunk)}\n\n`);
        flood.written = index + 1;
        flood.lastProgressAt = performance.now();
        if (!more) await new Promise((resolve) => response.once('drain', resolve).once('close', resolve));
      }
      if (response.destroyed) return;
      const last = { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
      response.end(`data: ${JSON.stringify(last)}\n\ndata: [DONE]\n\n`);
      flood.finished = true;
    });
    gateway = await spawnGateway({
      config: {
        auth: { keys: [key] },
        providers: [{ id: 'flood', type: 'openai', baseUrl: `http://127.0.0.1:${upstream.port}/v1` }],
        routing: { retries: 0 },
      },
    });
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
  });

  it('a client that stops reading holds the upstream back; when it leaves, the upstream request ends', async () => {
    const body = JSON.stringify({ model: 'flood-model', stream: true, messages: [{ role: 'user', content: 'Go' }] });
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = httpRequest(
        `${gateway.url}/v1/chat/completions`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        },
        resolve,
      );
      request.on('error', reject);
      request.end(body);
    });
    expect(response.statusCode).toBe(200);
    // Take the first bytes, then stop reading.
    await new Promise((resolve) => response.once('data', resolve));
    response.pause();

    // The buffers on the path fill, then the upstream waits for them to drain: no progress for a second.
    const deadline = performance.now() + 8_000;
    while (performance.now() - flood.lastProgressAt < 1_000 && performance.now() < deadline) await sleep(100);
    expect(flood.finished).toBe(false);
    expect(performance.now() - flood.lastProgressAt).toBeGreaterThanOrEqual(1_000);
    expect(flood.written).toBeLessThan(eventCount);

    // The client leaves without reading on: the gateway ends the upstream request instead of reading it out.
    response.destroy();
    await expect.poll(() => flood.closed, { timeout: 5_000 }).toBe(true);
    expect(flood.finished).toBe(false);
  }, 20_000);
});
