import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ServedFake = {
  port: number;
  /** Sockets open to the fake now (to check that nothing leaks, or that a connection was reused). */
  openSockets: () => number;
  /** Destroys the open sockets, so a keep-alive connection never holds it up, and stops listening. */
  close: () => Promise<void>;
};

/**
 * The HTTP side every fake upstream shares: a server on 127.0.0.1 at a free port whose requests go to `handle` (a
 * handler that throws destroys its response, as a crashed upstream would), with its sockets tracked.
 */
export async function serveFake(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Promise<ServedFake> {
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    void handle(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    openSockets: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A request's whole body as UTF-8 text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    request.on('error', reject);
  });
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
