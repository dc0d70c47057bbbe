import type { AppDeps, Logger } from '../../app-deps.ts';
import { createProviderHealth, generateId, telemetryDeps } from '../../app-deps.ts';
import { ModelCatalog } from '../../catalog/model-catalog.ts';
import type { GatewayConfig } from '../../config/gateway-config.ts';
import { MAX_UPSTREAM_BODY_BYTES } from '../../providers/invalid-upstream-response.ts';
import { providerAdapters } from '../../providers/provider-adapters.ts';
import type { CounterStore } from '../../state/counter-store.ts';
import { GuardedStores } from '../../state/guarded-stores.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import { MemoryCounterStore } from '../../state/memory/memory-counter-store.ts';
import { MemoryKeyValueStore } from '../../state/memory/memory-key-value-store.ts';
import { closeAfterReload } from './close-after-reload.ts';
import { createNodeFetch } from './create-node-fetch.ts';
import { createNodeAbortController } from './node-abort-controller.ts';
import { openNodeTelemetry } from './open-node-telemetry.ts';
import { watchNodeClient } from './watch-node-client.ts';

/** One upstream client per process, so a config reload keeps the pooled keep-alive connections. */
const upstreamFetch = createNodeFetch({ maxBufferedBodyBytes: MAX_UPSTREAM_BODY_BYTES });

/**
 * The Node wiring of `AppDeps`: a lean keep-alive upstream client, the wall clock, a JSON logger. Async because the
 * SQLite and Redis clients are loaded only when the config asks for them (each costs ~25 MB of memory idle).
 */
export async function createNodeDeps(config: GatewayConfig, logger: Logger): Promise<AppDeps> {
  const catalog = new ModelCatalog({
    providers: config.providers,
    adapters: providerAdapters,
    fetch: upstreamFetch,
    now: Date.now,
    generateId,
    ttlMs: config.catalog.ttlMs,
    discoveryTimeoutMs: config.catalog.discoveryTimeoutMs,
    localProbeTimeoutMs: 800,
  });
  const stores = await stateStoresFor(config.state, logger);
  return {
    config,
    catalog,
    health: createProviderHealth(config, Date.now, stores.keyValue),
    stores,
    fetch: upstreamFetch,
    now: Date.now,
    generateId,
    logger,
    waitUntil: () => undefined,
    keepsTelemetryAlive: true,
    createAbortController: createNodeAbortController,
    watchClient: watchNodeClient,
    ...telemetryDeps(openNodeTelemetry(config, logger)),
  };
}

type StateStores = { keyValue: KeyValueStore; counters: CounterStore };

/** The SQLite or Redis stores of the running config: kept across reloads while `config.state` is unchanged. */
let openState: { fingerprint: string; stores: StateStores; close: () => Promise<void> } | undefined;

/**
 * Memory: fresh stores per deps (one process, nothing to share). SQLite and Redis: one connection per process, reused
 * by reloads, behind `GuardedStores` (the fail mode; `healthy` and `failures` for metrics).
 */
async function stateStoresFor(state: GatewayConfig['state'], logger: Logger): Promise<StateStores> {
  if (state.backend === 'memory') return { keyValue: new MemoryKeyValueStore(), counters: new MemoryCounterStore() };
  const fingerprint = JSON.stringify(state);
  if (openState?.fingerprint === fingerprint) return openState.stores;
  const previous = openState;
  if (previous) closeAfterReload(() => previous.close());
  const backend =
    state.backend === 'sqlite'
      ? (await import('../../state/sqlite/open-sqlite-stores.ts')).openSqliteStores({ path: state.path })
      : (await import('../../state/redis/open-redis-stores.ts')).openRedisStores({
          url: state.url as string,
          keyPrefix: state.keyPrefix,
          timeoutMs: state.timeoutMs,
        });
  // Redis commands time out on their own; the outer bound also covers the first connection and a script reload.
  // SQLite runs synchronously in-process: nothing to time out.
  const timeoutMs = state.backend === 'redis' ? state.timeoutMs * 3 : 0;
  const stores = new GuardedStores(backend, { failMode: state.failMode, logger, backend: state.backend, timeoutMs });
  openState = { fingerprint, stores, close: backend.close };
  logger.info('state_store_opened', {
    backend: state.backend,
    ...(state.backend === 'sqlite' ? { path: state.path } : { keyPrefix: state.keyPrefix }),
    failMode: state.failMode,
  });
  return stores;
}

/** Closes the SQLite file or Redis connection; for the shutdown path (the process also exits right after). */
export async function closeNodeStateStores(): Promise<void> {
  const current = openState;
  openState = undefined;
  await current?.close();
}
