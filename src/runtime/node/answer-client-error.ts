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
  const failure = clientFailure(error.code);
  const body = JSON.stringify(toOpenAIErrorBody(failure));
  socket.end(
    `HTTP/1.1 ${failure.status} ${reasons[failure.status]}\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

const reasons: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

function clientFailure(code: string | undefined): GatewayError {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new GatewayError({
      status: 431,
      type: 'invalid_request_error',
      code: 'request_headers_too_large',
      message: 'The request headers are too large.',
    });
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new GatewayError({
      status: 408,
      type: 'invalid_request_error',
      code: 'request_timeout',
      message: 'The request did not arrive in time.',
    });
  }
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    code: 'malformed_http_request',
    message: 'The request is not valid HTTP/1.1.',
  });
}
