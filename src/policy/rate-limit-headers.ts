import type { MiddlewareHandler } from 'hono';
import type { GatewayEnv } from '../api/gateway-env.ts';
import { PolicyRefusal } from './policy-refusal.ts';

/**
 * Puts the `x-ratelimit-*` headers of a request's reservation on its response, whatever made the response: the route
 * (`c.set('rateLimitHeaders', …)`) or the error handler (a refused request's `PolicyRefusal` carries them, next to
 * the `retry-after` the error handler sets). Runs after the route, so no route builds them by hand.
 */
export function rateLimitHeaders(): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    await next();
    const headers = c.error instanceof PolicyRefusal ? c.error.headers : c.get('rateLimitHeaders');
    if (!headers) return;
    try {
      for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
    } catch {
      // An immutable response (a pass-through of an upstream's own): it keeps its headers.
    }
  };
}
