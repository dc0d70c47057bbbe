import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { adminAuth } from '../middleware/admin-auth.ts';
import { prometheusContentType } from '../telemetry/prometheus-text.ts';
import type { GatewayEnv } from './gateway-env.ts';

/**
 * `GET /metrics`: Prometheus text format 0.0.4. Behind the admin key when one is set (Prometheus sends it with
 * `authorization: { credentials: … }`); open like `/health` otherwise. Breaker states and the catalog size are read
 * at the scrape; everything else was counted from finished requests.
 */
export function metricsRoute(deps: AppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const metrics = deps.metrics;
  if (!metrics) return app;
  metrics.attach({
    providerIds: deps.config.providers.map((provider) => provider.id),
    breakerStates: () => deps.health.report(),
    catalogModels: () => deps.catalog.models().length,
    stateStore: () =>
      deps.stores.healthy === undefined
        ? undefined
        : { healthy: deps.stores.healthy, failures: deps.stores.failures ?? 0 },
  });
  if (deps.config.auth.adminKey) app.use('/metrics', adminAuth(deps.config.auth.adminKey));
  app.get('/metrics', (c) => c.body(metrics.render(), 200, { 'content-type': prometheusContentType }));
  return app;
}
