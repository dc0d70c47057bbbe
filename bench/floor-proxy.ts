import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

/**
 * The floor of one extra Node hop: a minimal node:http reverse proxy that pipes the request to `--upstream` over a
 * keep-alive agent and pipes the answer back, headers as received. No parsing, no auth, no logging.
 * Prints `floor-proxy ready: http://127.0.0.1:PORT` when listening.
 */
const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, upstream: { type: 'string' } } });
if (!values.upstream) throw new Error('--upstream http://127.0.0.1:PORT is required');
const upstream = new URL(values.upstream);
if (upstream.hostname !== '127.0.0.1') throw new Error('the floor proxy only targets 127.0.0.1');
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
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`floor-proxy ready: http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once('SIGTERM', () => process.exit(0));
