import { Hono } from 'hono';
import { adminAnalyticsRoute } from './api/admin-analytics-route.ts';
import { adminKeysRoute } from './api/admin-keys-route.ts';
import { adminLogsRoute } from './api/admin-logs-route.ts';
import { chatCompletionsRoute } from './api/chat-completions-route.ts';
import { embeddingsRoute } from './api/embeddings-route.ts';
import type { GatewayEnv } from './api/gateway-env.ts';
import { healthRoute } from './api/health-route.ts';
import { runInBackground } from './api/internal/run-in-background.ts';
import { messagesRoute } from './api/messages-route.ts';
import { metricsRoute } from './api/metrics-route.ts';
import { modelsRoute } from './api/models-route.ts';
import { responsesRoute } from './api/responses-route.ts';
import { uiRoute } from './api/ui-route.ts';
import type { AppDeps } from './app-deps.ts';
import { GatewayError } from './canonical/index.ts';
import { adminAuth } from './middleware/admin-auth.ts';
import { auth } from './middleware/auth.ts';
import { bodyLimit } from './middleware/body-limit.ts';
import { cors } from './middleware/cors.ts';
import { errorResponse } from './middleware/error-handler.ts';
import { requestId } from './middleware/request-id.ts';
import { createPolicy } from './policy/policy.ts';
import { rateLimitHeaders } from './policy/rate-limit-headers.ts';
import { ActiveProber } from './routing/active-prober.ts';

/**
 * The whole gateway as one Hono app over Web-standard Request/Response. Runtimes (Node, Workers) only build
 * `AppDeps` and hand requests in.
 */
export function createApp(deps: AppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.onError((error, c) => errorResponse(error, c, deps.logger));
  app.notFound(() => {
    throw new GatewayError({ status: 404, code: 'not_found', message: 'No such endpoint on this gateway.' });
  });
  app.use('*', requestId(deps.generateId));
  app.use('*', cors(deps.config.server.corsOrigins));
  // Telemetry a request left buffered (a log batch, a trace export) is handed to Workers' waitUntil. Node keeps
  // itself alive for it: asking would chain promises on every request that live until the next log flush.
  if (!deps.keepsTelemetryAlive) {
    app.use('*', async (c, next) => {
      await next();
      const pending = deps.telemetry?.pending?.();
      if (pending) runInBackground(deps, c, pending);
    });
  }
  app.route('/', uiRoute());
  app.route('/', healthRoute(deps));
  app.route('/', metricsRoute(deps));
  // Every admin route needs the admin key (a 404 when no admin key is set: the admin API is off).
  app.use('/admin/*', adminAuth(deps.config.auth.adminKey));
  app.route('/', adminLogsRoute(deps));
  app.route('/', adminAnalyticsRoute(deps));
  const policy = createPolicy(deps);
  app.route('/', adminKeysRoute(policy));

  // Auth first: a client without a key learns that (401), not the size rule of a gateway it cannot use.
  // Virtual keys exist only where an admin key can issue them.
  app.use('/v1/*', auth(deps.config.auth.keys, deps.config.auth.adminKey ? policy.virtualKeys : undefined));
  app.use('/v1/*', bodyLimit(deps.config.server.bodyLimitBytes));
  app.use('/v1/*', rateLimitHeaders());
  const providerIds = deps.config.providers.map((provider) => provider.id);
  const { probes: probeConfig } = deps.config.routing;
  const prober = probeConfig.enabled ? new ActiveProber(deps, probeConfig) : undefined;
  app.use('/v1/*', async (c, next) => {
    // Workers have no start-up phase: the first request waits for discovery (bounded by its timeouts).
    if (!deps.catalog.isLoaded) await loadCatalog(deps);
    const refresh = deps.catalog.refreshInBackground();
    if (refresh) runInBackground(deps, c, refresh);
    const sync = deps.health.syncShared(providerIds);
    if (sync) runInBackground(deps, c, sync);
    const probes = prober?.runIfDue();
    if (probes) runInBackground(deps, c, probes);
    return next();
  });
  app.route('/', modelsRoute(deps));
  app.route('/', chatCompletionsRoute(deps, policy));
  app.route('/', messagesRoute(deps, policy));
  app.route('/', responsesRoute(deps, policy));
  app.route('/', embeddingsRoute(deps, policy));
  return app;
}

/**
 * Waits for the first discovery, but never longer than it can honestly take: a discovery stuck with a cancelled
 * request (Workers) is then started again by this request, which waits for that one instead.
 */
async function loadCatalog(deps: AppDeps): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bounded = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, deps.catalog.maxDiscoveryMs + 100);
  });
  await Promise.race([deps.catalog.load(), bounded]);
  clearTimeout(timer as ReturnType<typeof setTimeout>);
  if (!deps.catalog.isLoaded) await deps.catalog.load();
}
