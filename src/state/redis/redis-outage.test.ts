import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServer, type StartedRedis, startRedis } from '../../../test/support/start-redis.ts';
import type { Logger } from '../../app-deps.ts';
import { GatewayError } from '../../canonical/gateway-error.ts';
import { GuardedStores, type StateFailMode } from '../guarded-stores.ts';
import { openRedisStores } from './open-redis-stores.ts';

// See redis-state-store.test.ts: required in CI, skipped on a developer machine without redis-server.
const skip = !process.env.CI && !hasRedisServer;
const timeoutMs = 250;

/** Every failing call must settle well within the timeout, never hang. */
const bound = timeoutMs + 400;

function captureLogger(): Logger & { lines: Array<{ level: string; event: string }> } {
  const lines: Array<{ level: string; event: string }> = [];
  return {
    lines,
    info: (event) => lines.push({ level: 'info', event }),
    warn: (event) => lines.push({ level: 'warn', event }),
    error: (event) => lines.push({ level: 'error', event }),
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ elapsed: number; outcome: T | unknown }> {
  const started = performance.now();
  let outcome: T | unknown;
  try {
    outcome = await work();
  } catch (error) {
    outcome = error;
  }
  return { elapsed: performance.now() - started, outcome };
}

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`condition not met within ${withinMs} ms`);
}

describe.skipIf(skip)('a guarded Redis store when Redis dies mid-run and comes back', () => {
  let redis: StartedRedis;
  const opened: Array<{ close: () => Promise<void> }> = [];

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    for (const stores of opened) await stores.close();
    await redis?.stop();
  });

  function guarded(failMode: StateFailMode) {
    const logger = captureLogger();
    const backend = openRedisStores({ url: redis.url, keyPrefix: `outage-${failMode}:`, timeoutMs });
    opened.push(backend);
    return { logger, stores: new GuardedStores(backend, { failMode, logger, backend: 'redis', timeoutMs: 1_000 }) };
  }

  it('fail-open admits and fail-closed refuses with 503 within the timeout, then both recover', async () => {
    const open = guarded('open');
    const closed = guarded('closed');
    for (const { stores } of [open, closed]) {
      expect(await stores.counters.addWithinLimit('limit', 1, 1, 60_000)).toEqual({ added: true, value: 1 });
      expect(await stores.counters.addWithinLimit('limit', 1, 1, 60_000)).toEqual({ added: false, value: 1 });
      await stores.keyValue.set('breaker', 'open-until-later', { ttlMs: 60_000 });
    }

    await redis.kill();

    for (let request = 0; request < 5; request++) {
      const admitted = await timed(() => open.stores.counters.addWithinLimit('limit', 1, 1, 60_000));
      expect(admitted.outcome).toEqual({ added: true, value: 0 });
      expect(admitted.elapsed).toBeLessThan(bound);
      const read = await timed(() => open.stores.keyValue.get('breaker'));
      expect(read.outcome).toBeUndefined();
      expect(read.elapsed).toBeLessThan(bound);

      const refused = await timed(() => closed.stores.counters.addWithinLimit('limit', 1, 1, 60_000));
      expect(refused.outcome).toBeInstanceOf(GatewayError);
      expect(refused.outcome).toMatchObject({ status: 503, code: 'state_store_unavailable' });
      expect(refused.elapsed).toBeLessThan(bound);
      const write = await timed(() => closed.stores.keyValue.set('breaker', 'x'));
      expect(write.outcome).toMatchObject({ status: 503, code: 'state_store_unavailable' });
    }
    for (const { stores, logger } of [open, closed]) {
      expect(stores.healthy).toBe(false);
      expect(stores.failures).toBeGreaterThanOrEqual(10);
      // One line per outage, not one per request.
      expect(logger.lines).toEqual([{ level: 'error', event: 'state_store_unavailable' }]);
    }

    await redis.restart();

    for (const { stores, logger } of [open, closed]) {
      // The client reconnects in the background (at most a second apart); requests work again on their own.
      await eventually(async () => {
        try {
          // Fail-open also answers `added` while Redis is down: only `healthy` tells the real answer came back.
          return (await stores.counters.addWithinLimit('limit', 1, 1, 60_000)).added && stores.healthy;
        } catch {
          return false;
        }
      }, 5_000);
      expect(stores.healthy).toBe(true);
      expect(logger.lines.map((line) => line.event)).toEqual(['state_store_unavailable', 'state_store_recovered']);
      // The restarted Redis kept nothing (no persistence): the counter started again.
      expect(await stores.counters.get('limit')).toBe(1);
    }
  });

  it('does not hold a request when Redis is down from the start', async () => {
    const port = redis.port;
    await redis.kill();
    try {
      const logger = captureLogger();
      const backend = openRedisStores({ url: `redis://127.0.0.1:${port}`, timeoutMs });
      opened.push(backend);
      const stores = new GuardedStores(backend, { failMode: 'open', logger, backend: 'redis', timeoutMs: 1_000 });
      const first = await timed(() => stores.counters.add('c', 1, 1_000));
      expect(first.outcome).toBe(0);
      expect(first.elapsed).toBeLessThan(bound);
      expect(stores.healthy).toBe(false);
      // Once the first connection attempt has failed, later requests do not wait for one.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const later = await timed(() => stores.counters.add('c', 1, 1_000));
      expect(later.outcome).toBe(0);
      expect(later.elapsed).toBeLessThan(50);
    } finally {
      await redis.restart();
    }
  });
});
