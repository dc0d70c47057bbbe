import type { MiddlewareHandler } from 'hono';

const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echoes a sane client `x-request-id` or makes one; available as `c.get('requestId')` and on every response. */
export function requestId(generateId: (prefix: string) => string): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given && acceptable.test(given) ? given : generateId('req_');
    c.set('requestId', id);
    await next();
    c.res.headers.set('x-request-id', id);
  };
}
