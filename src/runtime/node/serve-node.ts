import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../../app.ts';
import type { AppDeps, Logger } from '../../app-deps.ts';
import type { GatewayConfig } from '../../config/gateway-config.ts';
import { answerClientError } from './answer-client-error.ts';
import { closeNodeStateStores, createNodeDeps } from './create-node-deps.ts';
import { closeNodeLogStore } from './open-node-telemetry.ts';

export type RunningGateway = {
  url: string;
  /** The deps of the config being served now (replaced on reload). */
  current: () => AppDeps;
  server: Server;
  /** Swaps in a new config once its catalog is loaded; requests in flight finish on the old one. */
  reload: (config: GatewayConfig) => Promise<void>;
  /** Stops accepting, lets requests and streams in flight finish for up to `graceMs`, then closes everything. */
  shutdown: (graceMs: number) => Promise<{ unfinished: number }>;
};

/** How often the catalog checks for stale or failed provider lists in the background. */
const CATALOG_CHECK_INTERVAL_MS = 5_000;

/**
 * Starts the gateway on Node: discovers models first (so the first request finds a loaded catalog), then listens.
 * Refuses an open gateway on a non-loopback address unless `auth.open` says so.
 */
export async function serveNode(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  assertSafeAuth(config);
  let deps = await createNodeDeps(config, logger);
  await deps.catalog.load();
  let app = createApp(deps);
  let draining = false;
  let inFlight = 0;
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve(
      {
        fetch: (request, env) => {
          // While draining, tell load balancers to stop sending; everything else is still served.
          if (draining && new URL(request.url).pathname === '/health/ready') {
            return Response.json({ status: 'draining' }, { status: 503 });
          }
          return app.fetch(request, env);
        },
        port: config.server.port,
        hostname: config.server.host,
      },
      () => resolve(created as Server),
    );
    created.once('error', reject);
  });
  server.on('request', (_request, response) => {
    inFlight++;
    response.once('close', () => inFlight--);
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  const timer = setInterval(() => void deps.catalog.refreshInBackground(), CATALOG_CHECK_INTERVAL_MS);
  timer.unref();
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${shownHost}:${address.port}`,
    current: () => deps,
    server,
    async reload(next) {
      assertSafeAuth(next);
      if (next.server.port !== config.server.port || next.server.host !== config.server.host) {
        logger.warn('config_reload_listen_unchanged', { note: 'host and port changes apply at the next start' });
      }
      const nextDeps = await createNodeDeps(next, logger);
      await nextDeps.catalog.load();
      deps = nextDeps;
      app = createApp(nextDeps);
    },
    async shutdown(graceMs) {
      draining = true;
      clearInterval(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const deadline = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < deadline) {
        server.closeIdleConnections();
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const unfinished = inFlight;
      server.closeAllConnections();
      await closed;
      // The last requests' records: delivered to the sinks and written now, not at the next batch (bounded).
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.race([deps.telemetry?.flush?.(), new Promise((resolve) => setTimeout(resolve, 3_000))]);
      await closeNodeLogStore().catch(() => undefined);
      await closeNodeStateStores().catch(() => undefined);
      return { unfinished };
    },
  };
}

function assertSafeAuth(config: GatewayConfig): void {
  const host = config.server.host;
  if (config.auth.keys.length === 0 && !isLoopback(host) && !config.auth.open) {
    throw new Error(
      `config: auth.keys: no gateway key is set and host ${host} is not loopback. Fix: set SWITCHBOARD_API_KEYS or auth.keys, or set auth.open: true to serve without keys on purpose.`,
    );
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
