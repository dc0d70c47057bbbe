import type { MiddlewareHandler } from 'hono';

const exposedHeaders =
  'x-request-id, x-switchboard-provider, x-switchboard-overhead-ms, x-switchboard-attempts, retry-after';

/**
 * CORS for browser clients. Preflights are answered here (before auth, which a preflight never carries). Requested
 * headers are allowed by reflection and `Authorization` is always named explicitly: a `*` wildcard does not cover it.
 */
export function cors(origins: string[]): MiddlewareHandler {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowOrigin = origin === undefined ? undefined : any ? '*' : allowed.has(origin) ? origin : undefined;
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      const headers = new Headers({ 'access-control-max-age': '600', vary: 'Origin' });
      if (allowOrigin) {
        const requested = c.req.header('access-control-request-headers');
        headers.set('access-control-allow-origin', allowOrigin);
        headers.set('access-control-allow-methods', 'GET, POST, OPTIONS');
        headers.set(
          'access-control-allow-headers',
          requested ? `authorization, ${requested}` : 'authorization, content-type, x-api-key',
        );
      }
      return new Response(null, { status: 204, headers });
    }
    await next();
    if (allowOrigin) {
      c.res.headers.set('access-control-allow-origin', allowOrigin);
      c.res.headers.set('access-control-expose-headers', exposedHeaders);
      if (!any) c.res.headers.append('vary', 'Origin');
    }
  };
}
