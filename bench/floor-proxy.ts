import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readProxyArgs } from './read-proxy-args.ts';

/**
 * The floor of one extra Node hop: a minimal node:http reverse proxy that pipes the request to `--upstream` over a
 * keep-alive agent and pipes the answer back, headers as received. No parsing, no auth, no logging.
 * Prints `floor-proxy ready: http://127.0.0.1:PORT` when listening.
 */
const { upstream, port } = readProxyArgs('floor proxy');
const agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512 });

const server = createServer((request, response) => {
  const headers = { ...request.headers, host: upstream.host };
  const forward = httpRequest(
    { agent, host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  forward.on('error', () => {
    if (!response.headersSent) response.writeHead(502);
    response.end();
  });
  request.pipe(forward);
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`floor-proxy ready: http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
