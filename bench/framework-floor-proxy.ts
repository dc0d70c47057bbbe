import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createNodeFetch } from '../src/runtime/node/create-node-fetch.ts';
import { readProxyArgs } from './read-proxy-args.ts';

/**
 * The floor of the gateway's framework: the same stack the gateway serves on (Hono on @hono/node-server, the
 * gateway's own upstream client) doing the least a JSON gateway must: parse the body, send it on, parse the answer,
 * answer it. No auth, no validation, no routing, no telemetry. The gap from the floor proxy to this is what the
 * Web-standard framework costs; the gap from this to the gateway is the gateway's own work.
 * Prints `framework-floor ready: http://127.0.0.1:PORT` when listening.
 */
const { upstream, port } = readProxyArgs('framework floor');
const upstreamFetch = createNodeFetch();

const app = new Hono();
app.post('/v1/chat/completions', async (c) => {
  const body = await c.req.json();
  const answer = await upstreamFetch(`${upstream.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench-upstream-key' },
    body: JSON.stringify(body),
  });
  return c.json(await answer.json(), answer.status as 200);
});

const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => {
  process.stdout.write(`framework-floor ready: http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
