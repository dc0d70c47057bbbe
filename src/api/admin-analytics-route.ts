import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { logDisabled } from './admin-logs-route.ts';
import type { GatewayEnv } from './gateway-env.ts';
import { invalidParameter, parseBucket, parseGroupBy, parseLogFilter } from './internal/parse-log-filter.ts';

/** More buckets than this in one answer is a mistake (a 1m bucket over a month). */
const maxBuckets = 10_000;

/**
 * `GET /admin/analytics`: the request log aggregated into time buckets. `from` / `to` (epoch ms or ISO; default the
 * last 24 hours), `bucket` (`1m`, `5m`, `1h`, `1d` …; default 1h, aligned to UTC), `groupBy` (model, provider, key;
 * default model), and the filters of `/admin/logs`. Each row: requests, errors, cache hits, latency p50/p95, tokens
 * (prompt, completion, cached, reasoning) and cost.
 */
export function adminAnalyticsRoute(deps: AppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/admin/analytics', async (c) => {
    const store = deps.logStore;
    if (!store) throw logDisabled();
    const query = c.req.query();
    const filter = parseLogFilter(query);
    const to = filter.to ?? deps.now();
    const from = filter.from ?? to - 86_400_000;
    if (from >= to) throw invalidParameter('from', "'from' must be before 'to'.");
    const bucketMs = parseBucket(query.bucket);
    const groupBy = parseGroupBy(query.groupBy);
    if ((to - from) / bucketMs > maxBuckets) {
      throw invalidParameter('bucket', `The range holds more than ${maxBuckets} buckets: use a wider bucket.`);
    }
    const rows = await store.aggregate({ ...filter, from, to, bucketMs, groupBy });
    return c.json({
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      bucket: query.bucket ?? '1h',
      bucketMs,
      groupBy,
      data: rows.map((row) => ({ time: new Date(row.bucketStart).toISOString(), ...row })),
    });
  });
  return app;
}
