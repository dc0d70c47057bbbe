import { GatewayError } from '../canonical/index.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import { type BreakerOptions, type BreakerState, CircuitBreaker } from './circuit-breaker.ts';

export type HealthTarget = { providerId: string; model: string };

export type ProviderHealthReport = {
  provider: string;
  /** Absent for the provider-wide entry. */
  model?: string;
  state: BreakerState;
  errorRate: number;
  requests: number;
  latencyMs?: number;
  lastError?: string;
  lastErrorAt?: number;
  openUntil?: number;
  parkedUntil?: number;
};

type Stats = {
  latencyMs?: number;
  tokensPerSecond?: number;
  /** Moving average of outcomes (1 success, 0 failure) and when it last moved; see `statisticsOf`. */
  success?: { ratio: number; at: number };
  lastError?: string;
  lastErrorAt?: number;
};

/** What routing strategies read about one provider+model (absent: not measured yet). Local to this replica. */
export type HealthStatistics = { latencyMs?: number; tokensPerSecond?: number; successRatio?: number };

/** Weight of the newest latency sample in the moving average. */
const EWMA_ALPHA = 0.2;
/** Weight of the newest outcome in the success ratio. */
const SUCCESS_ALPHA = 0.3;
/** Shortest pause between reads of the state other replicas shared. */
const SHARED_SYNC_INTERVAL_MS = 1_000;

/**
 * Health of every provider and provider+model: circuit breakers, parking after a 429's Retry-After, latency (EWMA)
 * and the last error. Decisions are made on local state, so the request path never waits on a store; breaker
 * openings and parkings are written to the shared store and read back in the background (`syncShared`), so
 * replicas agree within about a second. Provider+model breakers stay local.
 */
export class ProviderHealth {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly parked = new Map<string, number>();
  private readonly stats = new Map<string, Stats>();
  private readonly options: BreakerOptions;
  private readonly now: () => number;
  private readonly shared: KeyValueStore | undefined;
  private lastSync = 0;
  private syncing: Promise<void> | undefined;

  constructor(options: BreakerOptions, now: () => number, shared?: KeyValueStore) {
    this.options = options;
    this.now = now;
    this.shared = shared;
  }

  /** Whether an attempt could go to this target now, without taking a half-open probe. */
  peek(target: HealthTarget): { admitted: true } | { admitted: false; reason: string; retryAt: number } {
    const now = this.now();
    const parkedUntil = this.parked.get(target.providerId) ?? 0;
    if (parkedUntil > now) {
      return { admitted: false, reason: `provider '${target.providerId}' is rate limited`, retryAt: parkedUntil };
    }
    for (const key of [target.providerId, modelKey(target)]) {
      const breaker = this.breakers.get(key);
      if (breaker?.state(now) === 'open')
        return { admitted: false, reason: `'${key}' circuit is open`, retryAt: breaker.openUntil };
    }
    return { admitted: true };
  }

  /**
   * Whether an attempt may go to this target now. Takes the half-open probe when there is one, so call it only
   * right before the attempt.
   */
  admit(target: HealthTarget): { admitted: true } | { admitted: false; reason: string; retryAt: number } {
    const now = this.now();
    const parkedUntil = this.parked.get(target.providerId) ?? 0;
    if (parkedUntil > now) {
      return { admitted: false, reason: `provider '${target.providerId}' is rate limited`, retryAt: parkedUntil };
    }
    const provider = this.breaker(target.providerId);
    const model = this.breaker(modelKey(target));
    if (provider.state(now) === 'open') {
      return {
        admitted: false,
        reason: `provider '${target.providerId}' circuit is open`,
        retryAt: provider.openUntil,
      };
    }
    if (model.state(now) === 'open') {
      return { admitted: false, reason: `'${modelKey(target)}' circuit is open`, retryAt: model.openUntil };
    }
    if (!provider.tryPass(now)) {
      return { admitted: false, reason: `provider '${target.providerId}' is being probed`, retryAt: now + 1_000 };
    }
    if (!model.tryPass(now)) {
      return { admitted: false, reason: `'${modelKey(target)}' is being probed`, retryAt: now + 1_000 };
    }
    return { admitted: true };
  }

  /**
   * Latency, tokens per second and the success ratio of a provider+model for routing strategies. The success
   * ratio forgets failures as time passes (half of what is missing to 1 per breaker window), so a provider that
   * gets no traffic after failing drifts back into consideration. These statistics stay in this process; only
   * breaker openings and parkings are shared across replicas.
   */
  statisticsOf(target: HealthTarget): HealthStatistics {
    const stats = this.stats.get(modelKey(target));
    const result: HealthStatistics = {};
    if (!stats) return result;
    if (stats.latencyMs !== undefined) result.latencyMs = stats.latencyMs;
    if (stats.tokensPerSecond !== undefined) result.tokensPerSecond = stats.tokensPerSecond;
    if (stats.success) result.successRatio = this.successRatio(stats.success);
    return result;
  }

  /** Completion tokens over the time they took to arrive, as a moving average per provider and provider+model. */
  recordThroughput(target: HealthTarget, completionTokens: number, durationMs: number): void {
    if (!(completionTokens > 0 && durationMs > 0)) return;
    const sample = completionTokens / (durationMs / 1000);
    for (const key of [target.providerId, modelKey(target)]) {
      const stats = this.statsOf(key);
      stats.tokensPerSecond =
        stats.tokensPerSecond === undefined
          ? sample
          : stats.tokensPerSecond + EWMA_ALPHA * (sample - stats.tokensPerSecond);
    }
  }

  /** The moving average of time to answer, when there is one. */
  latencyOf(target: HealthTarget): number | undefined {
    return this.stats.get(modelKey(target))?.latencyMs;
  }

  recordSuccess(target: HealthTarget, latencyMs: number): void {
    const now = this.now();
    this.breaker(target.providerId).recordSuccess(now);
    this.breaker(modelKey(target)).recordSuccess(now);
    for (const key of [target.providerId, modelKey(target)]) {
      const stats = this.statsOf(key);
      stats.latencyMs =
        stats.latencyMs === undefined ? latencyMs : stats.latencyMs + EWMA_ALPHA * (latencyMs - stats.latencyMs);
      this.recordOutcome(stats, 1, now);
    }
  }

  /** Counts the failure against the breakers when it says something about the upstream, and parks on a 429. */
  recordFailure(target: HealthTarget, error: unknown): void {
    const now = this.now();
    const message = error instanceof Error ? error.message : String(error);
    for (const key of [target.providerId, modelKey(target)]) {
      const stats = this.statsOf(key);
      stats.lastError = message;
      stats.lastErrorAt = now;
    }
    if (error instanceof GatewayError && error.status === 429 && error.retryAfterMs !== undefined) {
      this.park(target.providerId, now + error.retryAfterMs);
    }
    if (!countsAgainstUpstream(error)) return;
    for (const key of [target.providerId, modelKey(target)]) this.recordOutcome(this.statsOf(key), 0, now);
    const provider = this.breaker(target.providerId);
    const wasOpen = provider.state(now) === 'open';
    provider.recordFailure(now);
    this.breaker(modelKey(target)).recordFailure(now);
    if (!wasOpen && provider.state(now) === 'open') this.share(`breaker:${target.providerId}`, provider.openUntil);
  }

  /** Releases a half-open probe that never reached the upstream (e.g. the client left first). */
  recordAbandoned(target: HealthTarget): void {
    const now = this.now();
    for (const key of [target.providerId, modelKey(target)]) {
      const breaker = this.breakers.get(key);
      if (breaker?.state(now) === 'half-open') breaker.openUntilTime(now);
    }
  }

  park(providerId: string, until: number): void {
    if ((this.parked.get(providerId) ?? 0) >= until) return;
    this.parked.set(providerId, until);
    this.share(`park:${providerId}`, until);
  }

  /** Reads what other replicas shared, at most once a second; cheap to call on every request. */
  syncShared(providerIds: string[]): Promise<void> | undefined {
    const now = this.now();
    if (!this.shared || this.syncing || now - this.lastSync < SHARED_SYNC_INTERVAL_MS) return undefined;
    this.lastSync = now;
    const store = this.shared;
    this.syncing = Promise.all(
      providerIds.map(async (providerId) => {
        const [breakerUntil, parkedUntil] = await Promise.all([
          store.get(`sb:health:breaker:${providerId}`),
          store.get(`sb:health:park:${providerId}`),
        ]);
        if (breakerUntil) this.breaker(providerId).openUntilTime(Number(breakerUntil));
        if (parkedUntil && Number(parkedUntil) > (this.parked.get(providerId) ?? 0)) {
          this.parked.set(providerId, Number(parkedUntil));
        }
      }),
    )
      .then(() => undefined)
      .finally(() => {
        this.syncing = undefined;
      });
    return this.syncing;
  }

  report(): ProviderHealthReport[] {
    const now = this.now();
    const reports: ProviderHealthReport[] = [];
    for (const [key, breaker] of this.breakers) {
      const separator = key.indexOf('::');
      const provider = separator < 0 ? key : key.slice(0, separator);
      const { failures, requests } = breaker.counts(now);
      const state = breaker.state(now);
      const stats = this.stats.get(key) ?? {};
      const report: ProviderHealthReport = { provider, state, errorRate: requests ? failures / requests : 0, requests };
      if (separator >= 0) report.model = key.slice(separator + 2);
      if (stats.latencyMs !== undefined) report.latencyMs = Math.round(stats.latencyMs * 10) / 10;
      if (stats.lastError) report.lastError = stats.lastError;
      if (stats.lastErrorAt) report.lastErrorAt = stats.lastErrorAt;
      if (state === 'open') report.openUntil = breaker.openUntil;
      const parkedUntil = this.parked.get(provider);
      if (separator < 0 && parkedUntil && parkedUntil > now) report.parkedUntil = parkedUntil;
      reports.push(report);
    }
    return reports;
  }

  private recordOutcome(stats: Stats, outcome: 0 | 1, now: number): void {
    const ratio = stats.success ? this.successRatio(stats.success) : outcome;
    stats.success = { ratio: ratio + SUCCESS_ALPHA * (outcome - ratio), at: now };
  }

  private successRatio(success: { ratio: number; at: number }): number {
    const windows = Math.max(0, this.now() - success.at) / this.options.windowMs;
    return 1 - (1 - success.ratio) * 0.5 ** windows;
  }

  private share(key: string, until: number): void {
    if (!this.shared) return;
    const ttlMs = Math.max(1, until - this.now());
    void this.shared.set(`sb:health:${key}`, String(until), { ttlMs }).catch(() => undefined);
  }

  private breaker(key: string): CircuitBreaker {
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options);
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  private statsOf(key: string): Stats {
    let stats = this.stats.get(key);
    if (!stats) {
      stats = {};
      this.stats.set(key, stats);
    }
    return stats;
  }
}

function modelKey(target: HealthTarget): string {
  return `${target.providerId}::${target.model}`;
}

/**
 * Upstream trouble (5xx, timeouts, broken connections, a rejected provider key), not client mistakes. A 429 is
 * handled by parking for its Retry-After instead: a busy provider is not a broken one.
 */
function countsAgainstUpstream(error: unknown): boolean {
  if (!(error instanceof GatewayError)) return false;
  if (error.status === 499 || error.status === 429) return false;
  return error.isRetryable || error.status === 401 || error.status === 403;
}
