import type { Context } from 'hono';
import type { Logger } from '../app-deps.ts';
import { GatewayError, toOpenAIErrorBody } from '../canonical/index.ts';

/**
 * The one place errors become responses: a `GatewayError` becomes the OpenAI error body with its status (and
 * `retry-after` when the upstream asked for a wait); anything else is logged and answered with a plain 500 that
 * carries no stack or internal detail.
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
  return new Response(JSON.stringify(toOpenAIErrorBody(gatewayError)), { status: gatewayError.status, headers });
}
