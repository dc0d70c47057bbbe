import { describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { type AppDeps, createProviderHealth, silentLogger } from '../app-deps.ts';
import { ModelCatalog } from '../catalog/model-catalog.ts';
import { parseGatewayConfig } from '../config/parse-gateway-config.ts';
import { MemoryCounterStore } from '../state/memory/memory-counter-store.ts';
import { MemoryKeyValueStore } from '../state/memory/memory-key-value-store.ts';

function app(storeHealth: { healthy?: boolean; failures?: number }) {
  const config = parseGatewayConfig('{}', {});
  const catalog = new ModelCatalog({
    providers: [],
    adapters: { openai: undefined, anthropic: undefined, gemini: undefined },
    fetch,
    now: Date.now,
    generateId: (prefix) => `${prefix}1`,
    ttlMs: 60_000,
    discoveryTimeoutMs: 1_000,
  });
  const keyValue = new MemoryKeyValueStore();
  const deps: AppDeps = {
    config,
    catalog,
    health: createProviderHealth(config, Date.now, keyValue),
    stores: { keyValue, counters: new MemoryCounterStore(), ...storeHealth },
    fetch,
    now: Date.now,
    generateId: (prefix) => `${prefix}1`,
    logger: silentLogger,
  };
  return { app: createApp(deps), catalog };
}

describe('GET /health/ready', () => {
  it('is 503 while the catalog loads, 200 once it has', async () => {
    const { app: gateway, catalog } = app({});
    expect((await gateway.request('/health/ready')).status).toBe(503);
    await catalog.load();
    const ready = await gateway.request('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', stateStore: 'ok' });
  });

  it('is 503 when the shared state store does not answer', async () => {
    const { app: gateway, catalog } = app({ healthy: false, failures: 3 });
    await catalog.load();
    const response = await gateway.request('/health/ready');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'state_store_unreachable', stateStore: 'unreachable' });
    expect((await gateway.request('/health')).status).toBe(200);
  });
});
