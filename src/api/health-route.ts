import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { GatewayEnv } from './gateway-env.ts';

/** `GET /health` (the process answers) and `GET /health/ready` (the model catalog is loaded). No key needed. */
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
    const ready = deps.catalog.isLoaded;
    return c.json(
      { status: ready ? 'ready' : 'loading', models: deps.catalog.models().length, providers },
      ready ? 200 : 503,
    );
  });
  return app;
}
