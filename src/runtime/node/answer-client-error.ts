import type { Duplex } from 'node:stream';
import { GatewayError, toOpenAIErrorBody } from '../../canonical/index.ts';

/**
 * What the Node server answers a request it could not parse as HTTP (its `clientError`): the status Node itself would
 * send (431 for headers past Node's limit, 408 for a request that took too long to arrive, else 400), with an OpenAI
 * error body instead of an empty one, then the connection closed. A socket already gone is just destroyed.
 * https://nodejs.org/api/http.html#event-clienterror
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const failure = error.code !== undefined && Object.hasOwn(failures, error.code) ? failures[error.code] : malformed;
  const body = JSON.stringify(
    toOpenAIErrorBody(
      new GatewayError({
        status: failure.status,
        type: 'invalid_request_error',
        code: failure.code,
        message: failure.message,
      }),
    ),
  );
  socket.end(
    `HTTP/1.1 ${failure.status} ${failure.reason}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** Node's parse errors with a status of their own; every other one is a 400. */
const failures: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    code: 'request_headers_too_large',
    message: 'The request headers are too large.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    code: 'request_timeout',
    message: 'The request did not arrive in time.',
  },
};
const malformed = {
  status: 400,
  reason: 'Bad Request',
  code: 'malformed_http_request',
  message: 'The request is not valid HTTP/1.1.',
};
