import { type AppDeps, createProviderHealth } from '../../src/app-deps.ts';
import { ModelCatalog } from '../../src/catalog/model-catalog.ts';
import type { GatewayConfig } from '../../src/config/gateway-config.ts';
import type { ProviderAdapter } from '../../src/providers/provider-adapter.ts';
import { MemoryCounterStore } from '../../src/state/memory/memory-counter-store.ts';
import { MemoryKeyValueStore } from '../../src/state/memory/memory-key-value-store.ts';

const offline = (() => Promise.reject(new Error('offline'))) as typeof fetch;

/**
 * `AppDeps` for a gateway run in the test process: the config's `openai` providers served by `adapter`, memory
 * stores, a `fetch` that refuses every call (nothing leaves the process), numbered ids, a silent logger. `extra`
 * overrides or adds the rest (logger, telemetry, waitUntil …).
 */
export function offlineDeps(config: GatewayConfig, adapter: ProviderAdapter, extra: Partial<AppDeps> = {}): AppDeps {
  const catalog = new ModelCatalog({
    providers: config.providers,
    adapters: { openai: adapter, anthropic: undefined, gemini: undefined },
    fetch: offline,
    now: Date.now,
    generateId: (prefix) => `${prefix}generated`,
    ttlMs: 600_000,
    discoveryTimeoutMs: 1_000,
  });
  let counter = 0;
  const stores = { keyValue: new MemoryKeyValueStore(), counters: new MemoryCounterStore() };
  return {
    config,
    catalog,
    health: createProviderHealth(config, Date.now, stores.keyValue),
    stores,
    fetch: offline,
    now: Date.now,
    generateId: (prefix) => `${prefix}${++counter}`,
    logger: { info() {}, warn() {}, error() {} },
    ...extra,
  };
}
