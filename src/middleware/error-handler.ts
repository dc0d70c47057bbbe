import type { Context } from 'hono';
import type { Logger } from '../app-deps.ts';
import { GatewayError, toOpenAIErrorBody } from '../canonical/index.ts';

/**
 * The one place errors become responses: a `GatewayError` becomes the error body of the client's dialect with its
 * status (and `retry-after` when the upstream asked for a wait); anything else is logged and answered with a plain 500
 * that carries no stack or internal detail. The dialect is OpenAI's, except for Anthropic clients (see
 * `speaksAnthropic`), including errors raised by middleware (401, 413) before any route runs.
 */
export function errorResponse(error: unknown, c: Context, logger: Logger): Response {
  const gatewayError =
    error instanceof GatewayError
      ? error
      : new GatewayError({
          status: 500,
          type: 'server_error',
          code: 'internal_error',
          message: 'The gateway failed to handle this request.',
        });
  if (!(error instanceof GatewayError)) {
    logger.error('unhandled_error', {
      requestId: c.get('requestId'),
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (gatewayError.retryAfterMs !== undefined && gatewayError.status === 429) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(gatewayError.retryAfterMs / 1000)));
  }
  if (gatewayError.provider) headers['x-switchboard-provider'] = gatewayError.provider;
  const body = speaksAnthropic(c)
    ? toAnthropicErrorBody(gatewayError, c.get('requestId'))
    : toOpenAIErrorBody(gatewayError);
  return new Response(JSON.stringify(body), { status: gatewayError.status, headers });
}

/** Anthropic clients: the Messages endpoints, and the models list asked with Anthropic's `anthropic-version` header. */
export function speaksAnthropic(c: Context): boolean {
  const path = c.req.path;
  if (path === '/v1/messages' || path.startsWith('/v1/messages/')) return true;
  return (path === '/v1/models' || path.startsWith('/v1/models/')) && c.req.header('anthropic-version') !== undefined;
}

/** Anthropic's `error.type` by status (https://docs.anthropic.com/en/api/errors); 529 is reported by the gateway as 503. */
const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** The Anthropic error body `{"type":"error","error":{type,message},"request_id"}`, also used for stream `error` events. */
export function toAnthropicErrorBody(
  error: GatewayError,
  requestId?: string,
): { type: 'error'; error: { type: string; message: string }; request_id?: string } {
  const type = ANTHROPIC_ERROR_TYPES[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
  const body = { type: 'error' as const, error: { type, message: error.message } };
  return requestId ? { ...body, request_id: requestId } : body;
}
