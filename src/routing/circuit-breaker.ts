export type BreakerState = 'closed' | 'open' | 'half-open';

export type BreakerOptions = {
  /** Sliding window over which the error ratio is computed. */
  windowMs: number;
  /** Fewest requests in the window before the ratio can open the breaker. */
  minRequests: number;
  /** Failures / requests at or above which the breaker opens. */
  errorRatio: number;
  /** How long an open breaker refuses requests before letting one probe through. */
  openMs: number;
};

const BUCKETS = 10;

/**
 * One circuit breaker: closed while the error ratio over a sliding window (ten buckets) stays under the threshold;
 * open for `openMs` once it does not; then half-open, letting exactly one probe through, which closes it on success
 * or opens it again on failure.
 */
export class CircuitBreaker {
  private readonly options: BreakerOptions;
  private readonly successes = new Array<number>(BUCKETS).fill(0);
  private readonly failures = new Array<number>(BUCKETS).fill(0);
  private bucketStartedAt: number | undefined;
  private bucket = 0;
  private current: BreakerState = 'closed';
  private openUntilMs = 0;
  private probeInFlight = false;

  constructor(options: BreakerOptions) {
    this.options = options;
  }

  state(now: number): BreakerState {
    if (this.current === 'open' && now >= this.openUntilMs) this.current = 'half-open';
    return this.current;
  }

  get openUntil(): number {
    return this.openUntilMs;
  }

  /** Whether a request may go now; in half-open state only the first caller gets the probe. */
  tryPass(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  recordSuccess(now: number): void {
    this.advance(now);
    if (this.current !== 'closed') {
      this.reset();
      this.current = 'closed';
      return;
    }
    this.successes[this.bucket] = (this.successes[this.bucket] as number) + 1;
  }

  recordFailure(now: number): void {
    this.advance(now);
    if (this.current === 'half-open' || this.current === 'open') {
      this.open(now);
      return;
    }
    this.failures[this.bucket] = (this.failures[this.bucket] as number) + 1;
    const failures = sum(this.failures);
    const total = failures + sum(this.successes);
    if (total >= this.options.minRequests && failures / total >= this.options.errorRatio) this.open(now);
  }

  /** Opens the breaker from the outside (another replica said so) until `until`. */
  openUntilTime(until: number): void {
    if (until <= this.openUntilMs) return;
    this.current = 'open';
    this.openUntilMs = until;
    this.probeInFlight = false;
  }

  /** Failures and requests in the window, for health reporting. */
  counts(now: number): { failures: number; requests: number } {
    this.advance(now);
    const failures = sum(this.failures);
    return { failures, requests: failures + sum(this.successes) };
  }

  private open(now: number): void {
    this.current = 'open';
    this.openUntilMs = now + this.options.openMs;
    this.probeInFlight = false;
    this.reset();
  }

  private reset(): void {
    this.successes.fill(0);
    this.failures.fill(0);
    this.probeInFlight = false;
  }

  private advance(now: number): void {
    const width = this.options.windowMs / BUCKETS;
    if (this.bucketStartedAt === undefined) this.bucketStartedAt = now;
    let steps = Math.floor((now - this.bucketStartedAt) / width);
    if (steps <= 0) return;
    if (steps >= BUCKETS) {
      this.successes.fill(0);
      this.failures.fill(0);
      steps = BUCKETS;
    }
    for (let step = 0; step < steps; step++) {
      this.bucket = (this.bucket + 1) % BUCKETS;
      this.successes[this.bucket] = 0;
      this.failures[this.bucket] = 0;
    }
    this.bucketStartedAt += Math.floor((now - this.bucketStartedAt) / width) * width;
  }
}

function sum(values: number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
