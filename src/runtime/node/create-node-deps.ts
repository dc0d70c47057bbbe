import type { AppDeps, Logger } from '../../app-deps.ts';
import { createProviderHealth, generateId, telemetryDeps } from '../../app-deps.ts';
import { ModelCatalog } from '../../catalog/model-catalog.ts';
import type { GatewayConfig } from '../../config/gateway-config.ts';
import { providerAdapters } from '../../providers/provider-adapters.ts';
import { MemoryCounterStore } from '../../state/memory/memory-counter-store.ts';
import { MemoryKeyValueStore } from '../../state/memory/memory-key-value-store.ts';
import { createNodeFetch } from './create-node-fetch.ts';
import { openNodeTelemetry } from './open-node-telemetry.ts';

/** One upstream client per process, so a config reload keeps the pooled keep-alive connections. */
const upstreamFetch = createNodeFetch();

/** The Node wiring of `AppDeps`: a lean keep-alive upstream client, the wall clock, a JSON logger. */
export function createNodeDeps(config: GatewayConfig, logger: Logger): AppDeps {
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
  const stores = { keyValue: new MemoryKeyValueStore(), counters: new MemoryCounterStore() };
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
    ...telemetryDeps(openNodeTelemetry(config, logger)),
  };
}
