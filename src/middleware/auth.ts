import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../canonical/index.ts';
import { timingSafeEqual } from './timing-safe-equal.ts';

/**
 * Gateway keys: `Authorization: Bearer <key>` (OpenAI clients) or `x-api-key: <key>` (Anthropic clients), compared in
 * constant time against every configured key. With no key configured the gateway is open (the runtime only allows
 * that on loopback, or with `auth.open`). The key is never forwarded: adapters build upstream headers from scratch.
 */
export function auth(keys: string[]): MiddlewareHandler {
  return async (c, next) => {
    if (keys.length === 0) return next();
    const authorization = c.req.header('authorization');
    const presented = authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? c.req.header('x-api-key')?.trim();
    if (!presented) {
      throw new GatewayError({
        status: 401,
        type: 'authentication_error',
        code: 'missing_api_key',
        message: 'No API key given. Send Authorization: Bearer <key> or x-api-key: <key>.',
      });
    }
    let matched = false;
    for (const key of keys) matched = timingSafeEqual(presented, key) || matched;
    if (!matched) {
      throw new GatewayError({
        status: 401,
        type: 'authentication_error',
        code: 'invalid_api_key',
        message: 'The API key is not valid for this gateway.',
      });
    }
    return next();
  };
}
