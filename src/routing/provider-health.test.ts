import { describe, expect, it } from 'vitest';
import { GatewayError } from '../canonical/index.ts';
import { MemoryKeyValueStore } from '../state/memory/memory-key-value-store.ts';
import { ProviderHealth } from './provider-health.ts';

const options = { windowMs: 10_000, minRequests: 2, errorRatio: 0.5, openMs: 5_000 };
const target = { providerId: 'alpha', model: 'm' };
const serverError = () => new GatewayError({ status: 502, message: 'boom', provider: 'alpha' });

describe('ProviderHealth', () => {
  it('opens the provider breaker on upstream failures, not on client errors', () => {
    let now = 1_000;
    const health = new ProviderHealth(options, () => now);
    health.recordFailure(target, new GatewayError({ status: 400, message: 'bad request' }));
    health.recordFailure(target, new GatewayError({ status: 400, message: 'bad request' }));
    expect(health.admit(target).admitted).toBe(true);
    health.recordFailure(target, serverError());
    health.recordFailure(target, serverError());
    const refused = health.admit(target);
    expect(refused).toMatchObject({ admitted: false, retryAt: 6_000 });
    now = 6_000;
    expect(health.admit(target).admitted).toBe(true);
    expect(health.admit(target).admitted).toBe(false);
    health.recordSuccess(target, 120);
    expect(health.admit(target).admitted).toBe(true);
  });

  it('parks a provider for the Retry-After of a 429', () => {
    let now = 0;
    const health = new ProviderHealth(options, () => now);
    health.recordFailure(target, new GatewayError({ status: 429, message: 'slow down', retryAfterMs: 2_000 }));
    expect(health.peek(target)).toMatchObject({ admitted: false, retryAt: 2_000 });
    expect(health.peek({ providerId: 'alpha', model: 'other' }).admitted).toBe(false);
    now = 2_000;
    expect(health.peek(target).admitted).toBe(true);
  });

  it('reports state, error rate, latency and last error per provider and model', () => {
    const health = new ProviderHealth(options, () => 0);
    health.recordSuccess(target, 100);
    health.recordSuccess(target, 200);
    health.recordFailure(target, serverError());
    const provider = health.report().find((report) => report.provider === 'alpha' && !report.model);
    expect(provider).toMatchObject({ state: 'closed', requests: 3, lastError: 'boom' });
    expect(provider?.errorRate).toBeCloseTo(1 / 3);
    expect(provider?.latencyMs).toBe(120);
    expect(health.report().find((report) => report.model === 'm')).toBeDefined();
  });

  it('shares openings and parkings with other replicas through the store', async () => {
    let now = 1_000;
    const store = new MemoryKeyValueStore(() => now);
    const first = new ProviderHealth(options, () => now, store);
    const second = new ProviderHealth(options, () => now, store);
    first.recordFailure(target, serverError());
    first.recordFailure(target, serverError());
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(second.peek(target).admitted).toBe(true);
    await second.syncShared(['alpha']);
    expect(second.peek(target)).toMatchObject({ admitted: false, retryAt: 6_000 });
    now = 7_000;
    first.park('beta', 9_000);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await second.syncShared(['alpha', 'beta']);
    expect(second.peek({ providerId: 'beta', model: 'x' })).toMatchObject({ admitted: false, retryAt: 9_000 });
  });
});
