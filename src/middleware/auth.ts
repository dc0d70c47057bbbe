import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../api/gateway-env.ts';
import { GatewayError } from '../canonical/index.ts';
import type { VirtualKey } from '../policy/virtual-key.ts';
import { looksLikeVirtualKey } from '../policy/virtual-keys.ts';
import { presentedKey } from './presented-key.ts';
import { timingSafeEqual } from './timing-safe-equal.ts';

/**
 * Gateway keys: `Authorization: Bearer <key>` (OpenAI clients) or `x-api-key: <key>` (Anthropic clients), compared in
 * constant time against every configured key. With no key configured the gateway is open (the runtime only allows
 * that on loopback, or with `auth.open`). The key is never forwarded: adapters build upstream headers from scratch.
 *
 * With `virtualKeys` (there is an admin key, so keys can be issued) a gateway is never open, and a key shaped like a
 * virtual key (`sk-sb-…`) that is not a static key is looked up by its hash: unknown is 401 `invalid_api_key`,
 * revoked or expired 401 `key_revoked` / `key_expired`; a valid one puts `keyId` and `virtualKey` in the context.
 */
export function auth(
  keys: string[],
  virtualKeys?: { authenticate(secret: string): Promise<VirtualKey> },
): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    if (keys.length === 0 && !virtualKeys) return next();
    const presented = presentedKey(c);
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
    if (!matched && virtualKeys && looksLikeVirtualKey(presented)) {
      const key = await virtualKeys.authenticate(presented);
      c.set('keyId', key.id);
      c.set('virtualKey', key);
      return next();
    }
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
