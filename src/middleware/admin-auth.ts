import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../canonical/index.ts';
import { presentedKey } from './presented-key.ts';
import { timingSafeEqual } from './timing-safe-equal.ts';

/**
 * The admin key (`auth.adminKey`) for `/admin/*`: `Authorization: Bearer <key>` or `x-api-key: <key>`, compared in
 * constant time. Gateway keys (static or virtual) never open the admin API. Without an admin key configured the admin
 * API does not exist (404), so a gateway is never administrable by accident.
 */
export function adminAuth(adminKey: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!adminKey) {
      throw new GatewayError({
        status: 404,
        code: 'admin_api_disabled',
        message: 'The admin API is off: set auth.adminKey (or SWITCHBOARD_ADMIN_KEY) to turn it on.',
      });
    }
    const presented = presentedKey(c);
    if (!presented || !timingSafeEqual(presented, adminKey)) {
      throw new GatewayError({
        status: 401,
        type: 'authentication_error',
        code: presented ? 'invalid_admin_key' : 'missing_admin_key',
        message: 'The admin API needs the admin key: Authorization: Bearer <admin key>.',
      });
    }
    return next();
  };
}
