import type { AppDeps, Logger } from '../../app-deps.ts';
import { createProviderHealth, generateId, telemetryDeps } from '../../app-deps.ts';
import { ModelCatalog } from '../../catalog/model-catalog.ts';
import { ConfigError } from '../../config/config-error.ts';
import type { GatewayConfig } from '../../config/gateway-config.ts';
import { parseGatewayConfig } from '../../config/parse-gateway-config.ts';
import { providerAdapters } from '../../providers/provider-adapters.ts';
import type { CounterStore } from '../../state/counter-store.ts';
import { DurableObjectCounterStore } from '../../state/durable-object/durable-object-counter-store.ts';
import { GuardedStores } from '../../state/guarded-stores.ts';
import type { KeyValueStore } from '../../state/key-value-store.ts';
import { MemoryCounterStore } from '../../state/memory/memory-counter-store.ts';
import { MemoryKeyValueStore } from '../../state/memory/memory-key-value-store.ts';
import { MemoryLogStore } from '../../state/memory/memory-log-store.ts';
import { WorkersKvKeyValueStore } from '../../state/workers-kv/workers-kv-key-value-store.ts';
import { createTelemetry } from '../../telemetry/create-telemetry.ts';
import { toConfigEnvironment, type WorkerEnv } from './worker-env.ts';

/**
 * The resolved config from the Worker's vars and secrets. A Worker is always on a public address, so, as `serveNode`
 * does for a non-loopback host, it refuses to run without gateway keys unless `auth.open` says so on purpose.
 */
export function loadWorkerConfig(env: WorkerEnv): GatewayConfig {
  const environment = toConfigEnvironment(env);
  const text = environment.SWITCHBOARD_CONFIG?.trim() ? environment.SWITCHBOARD_CONFIG : undefined;
  const config = parseGatewayConfig(text, environment);
  if (config.auth.keys.length === 0 && !config.auth.open) {
    throw new ConfigError(
      'auth.keys',
      'no gateway key is set and a Worker is reachable from the internet',
      'run `wrangler secret put SWITCHBOARD_API_KEYS` (or WORKER_API_KEY), or set auth.open: true to serve without keys on purpose',
    );
  }
  return config;
}

/**
 * The Workers wiring of `AppDeps`: the runtime's fetch, the wall clock, console logging. Background work goes through
 * the request's `ctx.waitUntil`, which the app reaches through Hono's execution context. State: counters in the
 * `SWITCHBOARD_COUNTERS` Durable Objects and key/values in the `SWITCHBOARD_KV` namespace when those bindings exist
 * (shared by every isolate), otherwise in memory, per isolate.
 */
export function createWorkerDeps(config: GatewayConfig, logger: Logger, bindings: WorkerEnv = {}): AppDeps {
  // `catalog.probeLocal: true` in a config file would still add local servers: they are unreachable from a Worker.
  const providers = config.providers.filter((provider) => provider.source !== 'local');
  // Bound so the runtime's fetch is never called with a foreign `this`.
  const workerFetch: typeof fetch = (input, init) => fetch(input, init);
  const catalog = new ModelCatalog({
    providers,
    adapters: providerAdapters,
    fetch: workerFetch,
    now: Date.now,
    generateId,
    ttlMs: config.catalog.ttlMs,
    discoveryTimeoutMs: config.catalog.discoveryTimeoutMs,
  });
  const stores = guardWorkerStores(workerStateStores(bindings), bindings, config, logger);
  return {
    config: { ...config, providers },
    catalog,
    health: createProviderHealth(config, Date.now, stores.keyValue),
    stores,
    fetch: workerFetch,
    now: Date.now,
    generateId,
    logger,
    ...telemetryDeps(workerTelemetry(config, logger, workerFetch)),
  };
}

/**
 * Workers telemetry: metrics and the request log live in the isolate's memory (each isolate counts its own share;
 * a SQLite log is not available and falls back to memory), OTLP traces go out through `fetch`, buffered work rides
 * on the request's `waitUntil` (see `createApp`).
 */
function workerTelemetry(config: GatewayConfig, logger: Logger, workerFetch: typeof fetch) {
  const log = config.telemetry.log;
  if (log.backend === 'sqlite')
    logger.warn('request_log_sqlite_unavailable', { note: 'Workers keep the log in memory' });
  return createTelemetry({
    config: config.telemetry,
    logger,
    fetch: workerFetch,
    now: Date.now,
    ...(log.backend === 'off' ? {} : { logStore: new MemoryLogStore({ maxEntries: Math.min(log.maxEntries, 2_000) }) }),
  });
}

/** Durable Object counters and KV key/values from the bindings that exist; memory for any that does not. */
export function workerStateStores(env: WorkerEnv): { keyValue: KeyValueStore; counters: CounterStore } {
  const counters = env.SWITCHBOARD_COUNTERS
    ? new DurableObjectCounterStore(env.SWITCHBOARD_COUNTERS)
    : new MemoryCounterStore();
  const keyValue = env.SWITCHBOARD_KV ? new WorkersKvKeyValueStore(env.SWITCHBOARD_KV) : new MemoryKeyValueStore();
  return { keyValue, counters };
}

/** How long a Durable Object or KV call may take before `state.failMode` applies (they usually take milliseconds). */
const WORKER_STATE_TIMEOUT_MS = 2_000;

/** Bound stores get the configured fail mode, as Redis does on Node; memory cannot fail. */
function guardWorkerStores(
  stores: { keyValue: KeyValueStore; counters: CounterStore },
  env: WorkerEnv,
  config: GatewayConfig,
  logger: Logger,
): { keyValue: KeyValueStore; counters: CounterStore } {
  if (!env.SWITCHBOARD_COUNTERS && !env.SWITCHBOARD_KV) return stores;
  return new GuardedStores(stores, {
    failMode: config.state.failMode,
    logger,
    backend: 'durable-object+kv',
    timeoutMs: WORKER_STATE_TIMEOUT_MS,
  });
}
