import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../canonical/index.ts';

/** Refuses a declared body over the limit before reading it; `readJsonBody` enforces it for chunked bodies. */
export function bodyLimit(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const declared = Number(c.req.header('content-length') ?? '0');
    if (declared > maxBytes) throw tooLarge(maxBytes);
    return next();
  };
}

export function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError({
    status: 413,
    type: 'invalid_request_error',
    code: 'request_too_large',
    message: `The request body is larger than the gateway's limit of ${maxBytes} bytes.`,
  });
}
