import type { ModelCatalog } from './catalog/model-catalog.ts';
import type { GatewayConfig } from './config/gateway-config.ts';
import { ProviderHealth } from './routing/provider-health.ts';
import type { CounterStore } from './state/counter-store.ts';
import type { KeyValueStore } from './state/key-value-store.ts';
import type { LogStore } from './state/log-store.ts';
import type { GatewayMetrics } from './telemetry/gateway-metrics.ts';
import type { TelemetrySink } from './telemetry/request-record.ts';

/** Structured logging; the Node runtime writes JSON lines, tests capture. */
export type Logger = {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
};

/** Everything the gateway needs from its runtime, injected so the core stays Web-standard and testable. */
export type AppDeps = {
  config: GatewayConfig;
  catalog: ModelCatalog;
  /** Circuit breakers, parking, latency: shared across replicas through `stores.keyValue`. */
  health: ProviderHealth;
  /** State backends: memory on one process, Redis across Node replicas, Durable Objects / KV on Workers. */
  stores: {
    keyValue: KeyValueStore;
    counters: CounterStore;
    /** Shared backends (SQLite, Redis, Durable Objects) say whether their last call worked; memory never fails. */
    readonly healthy?: boolean;
    /** Failed calls since start, for metrics. */
    readonly failures?: number;
  };
  fetch: typeof fetch;
  /**
   * Makes the AbortControllers whose signals go to `fetch` (a request's deadline, a stream attempt's first-byte timer);
   * absent: the global one. Node's serve path supplies one whose signal dies young (`NodeAbortController`), which only
   * its own `fetch` has to accept.
   */
  createAbortController?: () => AbortController;
  /**
   * Calls `onGone` once if the client goes away before its answer ends; returns the function that stops watching.
   * `env` is the request's Hono bindings. Node watches its response; absent, the core follows the Web request's
   * `signal` (Workers), which on Node would be one more AbortSignal per request.
   */
  watchClient?: (env: unknown, onGone: () => void) => () => void;
  /** Milliseconds since the epoch. */
  now: () => number;
  generateId: (prefix: string) => string;
  logger: Logger;
  /** Receives one record per request when it ends (request log, metrics); absent: nothing is recorded. */
  telemetry?: TelemetrySink;
  /** Prometheus metrics served on `/metrics` (fed through `telemetry`); absent: no `/metrics`. */
  metrics?: GatewayMetrics;
  /** The request log read by `/admin/logs` and `/admin/analytics` (written through `telemetry`). */
  logStore?: LogStore;
  /**
   * Keeps background work alive after the response. Node sets it (work simply runs on); Workers leave it out, and the
   * app hands the work to the request's own `ctx.waitUntil`.
   */
  waitUntil?: (work: Promise<unknown>) => void;
  /**
   * The runtime keeps itself alive for buffered telemetry and flushes it at shutdown (Node): the app then does not ask
   * the sinks for their pending work on every request, which only a `waitUntil` that must be told needs (Workers).
   */
  keepsTelemetryAlive?: boolean;
};

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random bytes drawn from the Web Crypto API in blocks, so making an id is not a system call each time. */
const randomPool = new Uint8Array(4096);
let randomOffset = randomPool.length;

/** `prefix` + 24 random base-62 characters from the Web Crypto API. */
export function generateId(prefix: string): string {
  if (randomOffset + 24 > randomPool.length) {
    crypto.getRandomValues(randomPool);
    randomOffset = 0;
  }
  let id = prefix;
  for (let index = randomOffset; index < randomOffset + 24; index++) id += alphabet[(randomPool[index] as number) % 62];
  randomOffset += 24;
  return id;
}

/** The `AppDeps` fields of built telemetry: the sink, the metrics for `/metrics`, the store for `/admin/logs`. */
export function telemetryDeps(telemetry: {
  sink: TelemetrySink;
  metrics: GatewayMetrics;
  logStore?: LogStore;
}): Pick<AppDeps, 'telemetry' | 'metrics' | 'logStore'> {
  return {
    telemetry: telemetry.sink,
    metrics: telemetry.metrics,
    ...(telemetry.logStore ? { logStore: telemetry.logStore } : {}),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** The health model for a config, sharing breaker openings and parkings through `keyValue`. */
export function createProviderHealth(
  config: GatewayConfig,
  now: () => number,
  keyValue?: KeyValueStore,
): ProviderHealth {
  return new ProviderHealth(config.routing.circuitBreaker, now, keyValue);
}
