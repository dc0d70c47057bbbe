import type { AttemptRecord } from '../routing/execute-with-fallback.ts';
import { type Counter, type Gauge, type Histogram, MetricsRegistry } from './metrics-registry.ts';
import { toPrometheusText } from './prometheus-text.ts';
import { isModelResolved, recordModel, recordProvider, recordTokens } from './record-dimensions.ts';
import type { RequestRecord, TelemetrySink } from './request-record.ts';

/** What the scrape reads at the moment it runs: breaker states and the catalog size. */
export type MetricsScrapeSource = {
  providerIds: readonly string[];
  /** Provider-wide breaker states (entries with a model are ignored). */
  breakerStates: () => ReadonlyArray<{ provider: string; model?: string; state: 'closed' | 'half-open' | 'open' }>;
  catalogModels: () => number;
  /** The shared state store, when the gateway has one: whether it answers and how often it failed. */
  stateStore?: () => { healthy: boolean; failures: number } | undefined;
};

const durationBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
const firstTokenBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 60];
const overheadBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const breakerValues = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Label value for a provider or model that was never resolved (an unknown model: no upstream was tried). */
export const unresolvedLabel = 'none';

/**
 * The gateway's Prometheus metrics, updated by this sink from finished request records (so nothing is counted on
 * the response path) and by `streamStarted` for streams in flight. Labels hold resolved ids only: a model a client
 * typed that matched nothing counts as `none`, so client input cannot grow the number of series.
 */
export class GatewayMetrics implements TelemetrySink {
  readonly registry = new MetricsRegistry();
  readonly requests: Counter;
  readonly errors: Counter;
  readonly duration: Histogram;
  readonly firstToken: Histogram;
  readonly overhead: Histogram;
  readonly tokens: Counter;
  readonly cost: Counter;
  readonly cacheHits: Counter;
  readonly attempts: Counter;
  readonly streamsInFlight: Gauge;
  private readonly circuitState: Gauge;
  private readonly stateStoreHealthy: Gauge;
  private readonly stateStoreFailures: Gauge;
  private readonly catalogModels: Gauge;
  private readonly openStreams = new WeakSet<RequestRecord>();
  private source: MetricsScrapeSource | undefined;

  constructor() {
    const registry = this.registry;
    this.requests = registry.counter(
      'switchboard_requests_total',
      'Requests handled, by inbound format, model, provider and the status the client saw.',
      ['inbound', 'model', 'provider', 'status'],
    );
    this.errors = registry.counter(
      'switchboard_request_errors_total',
      'Requests that ended in an error (including streams that failed after they started), by error type.',
      ['type', 'provider'],
    );
    this.duration = registry.histogram(
      'switchboard_request_duration_seconds',
      'Whole request time, to the last byte of a stream.',
      ['model', 'provider'],
      durationBuckets,
    );
    this.firstToken = registry.histogram(
      'switchboard_time_to_first_token_seconds',
      'Streams: time to the first chunk sent to the client.',
      ['model', 'provider'],
      firstTokenBuckets,
    );
    this.overhead = registry.histogram(
      'switchboard_gateway_overhead_seconds',
      "The gateway's own time per answered request: latency to the answer minus time spent waiting on upstreams.",
      [],
      overheadBuckets,
    );
    this.tokens = registry.counter(
      'switchboard_tokens_total',
      'Tokens by direction (prompt, completion; cached is part of prompt, reasoning part of completion).',
      ['direction', 'model', 'provider'],
    );
    this.cost = registry.counter('switchboard_cost_usd_total', 'Cost in US dollars of answered requests.', [
      'model',
      'provider',
    ]);
    this.cacheHits = registry.counter('switchboard_cache_hits_total', 'Requests answered from the response cache.', [
      'model',
    ]);
    this.attempts = registry.counter(
      'switchboard_attempts_total',
      'Upstream attempts (retries, failovers and hedges included) by outcome.',
      ['provider', 'outcome'],
    );
    this.streamsInFlight = registry.gauge('switchboard_streams_in_flight', 'Streams started and not yet ended.');
    this.circuitState = registry.gauge(
      'switchboard_circuit_state',
      'Provider circuit breaker: 0 closed, 1 half-open, 2 open.',
      ['provider'],
    );
    this.catalogModels = registry.gauge('switchboard_catalog_models', 'Models in the catalog.');
    this.stateStoreHealthy = registry.gauge(
      'switchboard_state_store_healthy',
      'Whether the shared state store (SQLite, Redis, Durable Objects) answered its last call: 1 yes, 0 no.',
    );
    this.stateStoreFailures = registry.gauge(
      'switchboard_state_store_failures',
      'Calls to the shared state store that failed since the gateway started.',
    );
    registry.onCollect(() => this.collectScrapeGauges());
  }

  /** Where the scrape-time gauges read from (the current deps; replaced on a config reload). */
  attach(source: MetricsScrapeSource): void {
    this.source = source;
  }

  streamStarted(record: RequestRecord): void {
    this.openStreams.add(record);
    this.streamsInFlight.inc();
  }

  record(record: RequestRecord): void {
    if (this.openStreams.delete(record)) this.streamsInFlight.dec();
    const resolved = isModelResolved(record);
    const model = resolved ? recordModel(record) : unresolvedLabel;
    const provider = recordProvider(record) ?? unresolvedLabel;
    this.requests.inc({ inbound: record.inbound, model, provider, status: String(record.status) });
    if (record.error) this.errors.inc({ type: record.error.type, provider });
    else if (record.status >= 400) this.errors.inc({ type: 'http_error', provider });
    this.duration.observe({ model, provider }, record.latencyMs / 1000);
    if (record.stream && record.status === 200 && record.timeToFirstTokenMs !== undefined) {
      this.firstToken.observe({ model, provider }, record.timeToFirstTokenMs / 1000);
    }
    if (record.overheadMs !== undefined) this.overhead.observe({}, record.overheadMs / 1000);
    const tokens = recordTokens(record);
    for (const direction of ['prompt', 'completion', 'cached', 'reasoning'] as const) {
      if (tokens[direction] > 0) this.tokens.inc({ direction, model, provider }, tokens[direction]);
    }
    if (record.costUsd !== undefined && record.costUsd > 0) this.cost.inc({ model, provider }, record.costUsd);
    if (record.cacheHit) this.cacheHits.inc({ model });
    for (const attempt of record.attempts) {
      this.attempts.inc({ provider: attempt.provider, outcome: attemptOutcome(attempt) });
    }
  }

  /** The Prometheus text of every metric, scrape-time gauges read now. */
  render(): string {
    return toPrometheusText(this.registry.collect());
  }

  private collectScrapeGauges(): void {
    const source = this.source;
    if (!source) return;
    this.circuitState.reset();
    for (const provider of source.providerIds) this.circuitState.set({ provider }, 0);
    for (const report of source.breakerStates()) {
      if (report.model === undefined) this.circuitState.set({ provider: report.provider }, breakerValues[report.state]);
    }
    this.catalogModels.set({}, source.catalogModels());
    const store = source.stateStore?.();
    if (store) {
      this.stateStoreHealthy.set({}, store.healthy ? 1 : 0);
      this.stateStoreFailures.set({}, store.failures);
    }
  }
}

/** `success`, or why the attempt failed: `rate_limited`, `timeout`, `client_error`, `server_error`. */
function attemptOutcome(attempt: AttemptRecord): string {
  if (attempt.error === undefined) return 'success';
  if (attempt.status === 429) return 'rate_limited';
  if (attempt.status === 408 || attempt.status === 504) return 'timeout';
  if (attempt.status !== undefined && attempt.status >= 400 && attempt.status < 500) return 'client_error';
  return 'server_error';
}
