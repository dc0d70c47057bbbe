import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { GatewayError } from '../canonical/index.ts';
import { decodeLogCursor } from '../state/log-store.ts';
import type { GatewayEnv } from './gateway-env.ts';
import { invalidParameter, parseLogFilter } from './internal/parse-log-filter.ts';

const defaultLimit = 50;
const maxLimit = 1_000;

/**
 * `GET /admin/logs`: the request log, newest first. Filters `from`, `to` (epoch ms or ISO), `model` (asked or
 * used), `provider`, `key` (key id), `status` (ok, error or a status code); `limit` (default 50, at most 1000) and
 * `cursor` (the `nextCursor` of the previous page). Records carry metadata only; `bodies=true` adds the request and
 * completion bodies of records that kept them (`telemetry.log.bodies`).
 */
export function adminLogsRoute(deps: AppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/admin/logs', async (c) => {
    const store = deps.logStore;
    if (!store) throw logDisabled();
    const query = c.req.query();
    const limit = query.limit === undefined ? defaultLimit : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
      throw invalidParameter('limit', `'limit' must be an integer from 1 to ${maxLimit}.`);
    }
    if (query.cursor !== undefined && !decodeLogCursor(query.cursor)) {
      throw invalidParameter('cursor', "'cursor' is not a cursor this API returned.");
    }
    if (query.bodies !== undefined && query.bodies !== 'true' && query.bodies !== 'false') {
      throw invalidParameter('bodies', "'bodies' must be true or false.");
    }
    const page = await store.query({
      ...parseLogFilter(query),
      limit,
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
      ...(query.bodies === 'true' ? { bodies: true } : {}),
    });
    return c.json({
      object: 'list',
      data: page.records.map((record) => ({ time: new Date(record.startedAt).toISOString(), ...record })),
      nextCursor: page.nextCursor ?? null,
    });
  });
  return app;
}

export function logDisabled(): GatewayError {
  return new GatewayError({
    status: 404,
    code: 'request_log_disabled',
    message: 'The request log is off: set telemetry.log.backend to memory or sqlite.',
  });
}
