import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { GatewayEnv } from './gateway-env.ts';

/**
 * `GET /health` (the process answers), `GET /health/ready` (the model catalog is loaded and the state store answers) and `GET /health/providers`
 * (per provider and model: breaker state, error rate, latency, last error, parked until). No key needed: they carry
 * no secrets (provider keys never appear; errors name providers only).
 */
export function healthRoute(deps: AppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/health/ready', (c) => {
    const providers = deps.catalog.providerStatuses().map(({ id, state, modelCount, error }) => ({
      id,
      state,
      models: modelCount,
      ...(error ? { error } : {}),
    }));
    // A shared state store that does not answer means limits, keys and shared health cannot be trusted: not ready.
    const storeHealthy = deps.stores.healthy !== false;
    const ready = deps.catalog.isLoaded && storeHealthy;
    const status = !deps.catalog.isLoaded ? 'loading' : storeHealthy ? 'ready' : 'state_store_unreachable';
    return c.json(
      { status, models: deps.catalog.models().length, stateStore: storeHealthy ? 'ok' : 'unreachable', providers },
      ready ? 200 : 503,
    );
  });
  app.get('/health/providers', (c) => {
    const catalog = new Map(deps.catalog.providerStatuses().map((status) => [status.id, status]));
    const health = deps.health.report();
    const providers = deps.config.providers
      .filter((provider) => catalog.get(provider.id)?.state !== 'absent')
      .map((provider) => {
        const status = catalog.get(provider.id);
        const own = health.find((report) => report.provider === provider.id && report.model === undefined);
        return {
          id: provider.id,
          type: provider.type,
          discovery: { state: status?.state ?? 'pending', models: status?.modelCount ?? 0, error: status?.error },
          state: own?.state ?? 'closed',
          errorRate: own?.errorRate ?? 0,
          requests: own?.requests ?? 0,
          latencyMs: own?.latencyMs,
          lastError: own?.lastError,
          lastErrorAt: toIso(own?.lastErrorAt),
          openUntil: toIso(own?.openUntil),
          parkedUntil: toIso(own?.parkedUntil),
          models: health
            .filter((report) => report.provider === provider.id && report.model !== undefined)
            .map((report) => ({
              model: report.model,
              state: report.state,
              errorRate: report.errorRate,
              requests: report.requests,
              latencyMs: report.latencyMs,
              lastError: report.lastError,
              openUntil: toIso(report.openUntil),
            })),
        };
      });
    return c.json({ providers });
  });
  return app;
}

function toIso(milliseconds: number | undefined): string | undefined {
  return milliseconds === undefined ? undefined : new Date(milliseconds).toISOString();
}
