import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readProxyArgs } from './read-proxy-args.ts';

/**
 * The floor of a JSON gateway without Web objects: `node:http` in and out, with a keep-alive agent, doing the least a
 * JSON gateway must (parse the body, send it on, parse the answer, answer it) and nothing else. Against the floor
 * proxy (which parses nothing) it shows what the JSON work costs; against the framework floor, what the Web-standard
 * stack (Hono, `@hono/node-server`, Request/Response objects) costs. A reference, not a target.
 * Prints `native-json-floor ready: http://127.0.0.1:PORT` when listening.
 */
const { upstream, port } = readProxyArgs('native JSON floor');
const agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512 });

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const payload = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    const outgoing = httpRequest(
      {
        hostname: '127.0.0.1',
        port: upstream.port,
        path: '/v1/chat/completions',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          authorization: 'Bearer sk-bench-upstream-key',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (incoming) => {
        const parts: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => parts.push(chunk));
        incoming.on('end', () => {
          const answer = JSON.stringify(JSON.parse(Buffer.concat(parts).toString('utf8')));
          response.writeHead(incoming.statusCode ?? 502, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(answer),
          });
          response.end(answer);
        });
      },
    );
    outgoing.on('error', () => {
      response.writeHead(502).end();
    });
    outgoing.end(payload);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`native-json-floor ready: http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
