import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../../app.ts';
import type { Logger } from '../../app-deps.ts';
import type { ModelCatalog } from '../../catalog/model-catalog.ts';
import type { GatewayConfig } from '../../config/gateway-config.ts';
import { createNodeDeps } from './create-node-deps.ts';

export type RunningGateway = { url: string; catalog: ModelCatalog; server: Server; close: () => Promise<void> };

/** How often the catalog checks for stale or failed provider lists in the background. */
const CATALOG_CHECK_INTERVAL_MS = 5_000;

/**
 * Starts the gateway on Node: discovers models first (so the first request finds a loaded catalog), then listens.
 * Refuses an open gateway on a non-loopback address unless `auth.open` says so.
 */
export async function serveNode(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
  const host = config.server.host;
  if (config.auth.keys.length === 0 && !isLoopback(host) && !config.auth.open) {
    throw new Error(
      `config: auth.keys: no gateway key is set and host ${host} is not loopback. Fix: set SWITCHBOARD_API_KEYS or auth.keys, or set auth.open: true to serve without keys on purpose.`,
    );
  }
  const deps = createNodeDeps(config, logger);
  await deps.catalog.load();
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, port: config.server.port, hostname: host }, () =>
      resolve(created as Server),
    );
    created.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const timer = setInterval(() => void deps.catalog.refreshInBackground(), CATALOG_CHECK_INTERVAL_MS);
  timer.unref();
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    catalog: deps.catalog,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
