import type { Logger } from '../app-deps.ts';
import { GatewayError } from '../canonical/gateway-error.ts';
import type { CounterStore } from './counter-store.ts';
import type { KeyValueStore } from './key-value-store.ts';

/**
 * What the gateway does while its shared store (Redis) is unreachable:
 * - `open`: keep serving. Reads miss, writes are dropped, `addWithinLimit` admits: limits and budgets are not
 *   enforced across replicas during the outage, breakers stay per replica.
 * - `closed`: refuse. Every store operation throws a 503 `state_store_unavailable`, so nothing is served that a
 *   limit or budget could not account for.
 */
export type StateFailMode = 'open' | 'closed';

export type GuardedStoresOptions = {
  failMode: StateFailMode;
  logger: Logger;
  /** Names the backend in log lines, e.g. "redis". */
  backend: string;
  /**
   * Upper bound on any one operation, on top of the backend's own timeout, so a store that neither answers nor
   * errors cannot hold a request. 0 turns it off.
   */
  timeoutMs: number;
  now?: () => number;
};

/** Health of the shared store as the app (metrics, /health) reads it. */
export type StateStoreStatus = {
  /** False from the first failed operation until the next successful one. */
  readonly healthy: boolean;
  /** Failed operations since start (a counter for metrics). */
  readonly failures: number;
};

/**
 * Wraps a backend's stores with the fail mode. One log line when an outage starts (`state_store_unavailable`) and
 * one when it ends (`state_store_recovered`), never one per request. Core code: Web-standard timers only.
 */
export class GuardedStores implements StateStoreStatus {
  readonly keyValue: KeyValueStore;
  readonly counters: CounterStore;
  private state = { healthy: true, failures: 0, outageFailures: 0, outageStartedAt: 0 };
  private readonly options: GuardedStoresOptions;
  private readonly now: () => number;

  constructor(stores: { keyValue: KeyValueStore; counters: CounterStore }, options: GuardedStoresOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    const { keyValue, counters } = stores;
    const open = options.failMode === 'open';
    this.keyValue = {
      get: (key) => this.guard(() => keyValue.get(key), open ? () => undefined : undefined),
      set: (key, value, setOptions) => this.guard(() => keyValue.set(key, value, setOptions), open ? noop : undefined),
      delete: (key) => this.guard(() => keyValue.delete(key), open ? noop : undefined),
    };
    this.counters = {
      // Fail-open answers as if the counter were empty: the caller's limit check admits.
      add: (key, amount, ttlMs) => this.guard(() => counters.add(key, amount, ttlMs), open ? () => 0 : undefined),
      addWithinLimit: (key, amount, limit, ttlMs) =>
        this.guard(
          () => counters.addWithinLimit(key, amount, limit, ttlMs),
          open ? () => ({ added: true, value: 0 }) : undefined,
        ),
      get: (key) => this.guard(() => counters.get(key), open ? () => 0 : undefined),
    };
  }

  get healthy(): boolean {
    return this.state.healthy;
  }

  get failures(): number {
    return this.state.failures;
  }

  /** Runs `operation`; on failure or timeout records it and answers with `fallback` (fail-open) or throws (closed). */
  private async guard<T>(operation: () => Promise<T>, fallback: (() => T) | undefined): Promise<T> {
    let result: T;
    try {
      result = await this.withTimeout(operation);
    } catch (error) {
      this.recordFailure(error);
      if (fallback) return fallback();
      throw new GatewayError({
        status: 503,
        type: 'server_error',
        code: 'state_store_unavailable',
        message: `The gateway's shared state store (${this.options.backend}) is unavailable; try again shortly.`,
        // Not a provider failure: the attempt loop must not fail over or retry because of it.
        isRetryable: false,
        cause: error,
      });
    }
    this.recordSuccess();
    return result;
  }

  private withTimeout<T>(operation: () => Promise<T>): Promise<T> {
    const timeoutMs = this.options.timeoutMs;
    if (timeoutMs <= 0) return operation();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([operation(), timeout]).finally(() => {
      if (timer !== undefined) clearTimeout(timer);
    });
  }

  private recordFailure(error: unknown): void {
    this.state.failures++;
    this.state.outageFailures++;
    if (!this.state.healthy) return;
    this.state.healthy = false;
    this.state.outageStartedAt = this.now();
    this.options.logger.error('state_store_unavailable', {
      backend: this.options.backend,
      failMode: this.options.failMode,
      error: error instanceof Error ? error.message : String(error),
      effect:
        this.options.failMode === 'open'
          ? 'serving without shared state: reads miss, writes are dropped, limits admit'
          : 'refusing requests that need shared state with 503 state_store_unavailable',
    });
  }

  private recordSuccess(): void {
    if (this.state.healthy) return;
    this.options.logger.info('state_store_recovered', {
      backend: this.options.backend,
      downMs: this.now() - this.state.outageStartedAt,
      failedOperations: this.state.outageFailures,
    });
    this.state.healthy = true;
    this.state.outageFailures = 0;
  }
}

function noop(): void {}
