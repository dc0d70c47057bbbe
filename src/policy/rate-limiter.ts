import type { CounterStore } from '../state/counter-store.ts';
import { PolicyRefusal } from './policy-refusal.ts';
import type { KeyLimits } from './virtual-key.ts';

const minuteMs = 60_000;
/**
 * A concurrency counter lives this long after it was created. It only matters when a process died with requests in
 * flight: their slots come back when the counter expires.
 */
const concurrencyTtlMs = 3_600_000;

type Taken = { key: string; amount: number; ttlMs: number };

/**
 * Requests per minute, tokens per minute and requests in flight, reserved before the call with `addWithinLimit`
 * (atomic on every backend, so N parallel requests at a limit of L admit exactly min(N, L)).
 *
 * Windows are fixed UTC minutes (`floor(now / 60 s)`), one counter per scope and minute: a client can send L requests
 * at 12:00:59 and L more at 12:01:00. Tokens are reserved as an estimate (prompt characters / 4 + the output
 * allowance) and settled to the real usage when the request ends, in the minute it started in.
 */
export class RateLimiter {
  constructor(
    private readonly counters: CounterStore,
    private readonly now: () => number,
  ) {}

  /** Reserves everything `limits` asks for, or nothing: a refusal gives back what was already taken. */
  async reserve(scope: string, limits: KeyLimits, estimatedTokens: number): Promise<RateReservation> {
    const now = this.now();
    const window = Math.floor(now / minuteMs);
    const resetMs = (window + 1) * minuteMs - now;
    const resetSeconds = Math.max(1, Math.ceil(resetMs / 1000));
    const windowTtlMs = resetMs + minuteMs;
    const taken: Taken[] = [];
    const headers: Record<string, string> = {};
    const refuse = async (code: string, message: string, retryAfterMs: number) => {
      setGenericHeaders(headers, limits, resetSeconds);
      await Promise.all(taken.map((entry) => this.counters.add(entry.key, -entry.amount, entry.ttlMs)));
      return new PolicyRefusal({
        status: 429,
        type: 'rate_limit_error',
        code,
        message,
        retryAfterMs,
        isRetryable: false,
        headers,
      });
    };

    if (limits.requestsPerMinute !== undefined) {
      const limit = limits.requestsPerMinute;
      const key = `rl:${scope}:rpm:${window}`;
      const result = await this.counters.addWithinLimit(key, 1, limit, windowTtlMs);
      setHeaders(headers, 'requests', limit, limit - result.value, resetSeconds);
      if (!result.added) {
        throw await refuse(
          'rate_limit_exceeded',
          `Rate limit reached: ${limit} requests per minute for '${scope}'. Try again in ${resetSeconds} s.`,
          resetMs,
        );
      }
      taken.push({ key, amount: 1, ttlMs: windowTtlMs });
    }
    let tokenEntry: Taken | undefined;
    if (limits.tokensPerMinute !== undefined) {
      const limit = limits.tokensPerMinute;
      const key = `rl:${scope}:tpm:${window}`;
      // One request larger than the whole allowance may still run, alone in its minute.
      const amount = Math.min(Math.max(1, Math.ceil(estimatedTokens)), limit);
      const result = await this.counters.addWithinLimit(key, amount, limit, windowTtlMs);
      setHeaders(headers, 'tokens', limit, Math.max(0, limit - result.value), resetSeconds);
      if (!result.added) {
        throw await refuse(
          'rate_limit_exceeded',
          `Rate limit reached: ${limit} tokens per minute for '${scope}' (this request reserves ${amount}). Try again in ${resetSeconds} s.`,
          resetMs,
        );
      }
      tokenEntry = { key, amount, ttlMs: windowTtlMs };
      taken.push(tokenEntry);
    }
    if (limits.concurrentRequests !== undefined) {
      const limit = limits.concurrentRequests;
      const key = `rl:${scope}:concurrent`;
      const result = await this.counters.addWithinLimit(key, 1, limit, concurrencyTtlMs);
      if (!result.added) {
        throw await refuse(
          'concurrency_limit_exceeded',
          `Too many requests in flight: at most ${limit} at once for '${scope}'.`,
          1_000,
        );
      }
      taken.push({ key, amount: 1, ttlMs: concurrencyTtlMs });
    }
    setGenericHeaders(headers, limits, resetSeconds);
    return new RateReservation(this.counters, taken, tokenEntry, headers);
  }
}

/** `x-ratelimit-limit/remaining/reset`: the request limit when there is one, else the token limit. */
function setGenericHeaders(headers: Record<string, string>, limits: KeyLimits, resetSeconds: number): void {
  const primary = limits.requestsPerMinute !== undefined ? 'requests' : 'tokens';
  for (const suffix of ['limit', 'remaining', 'reset']) {
    const value = headers[`x-ratelimit-${suffix}-${primary}`];
    if (value !== undefined) headers[`x-ratelimit-${suffix}`] = suffix === 'reset' ? String(resetSeconds) : value;
  }
}

function setHeaders(
  headers: Record<string, string>,
  kind: 'requests' | 'tokens',
  limit: number,
  remaining: number,
  resetSeconds: number,
): void {
  headers[`x-ratelimit-limit-${kind}`] = String(limit);
  headers[`x-ratelimit-remaining-${kind}`] = String(Math.max(0, remaining));
  headers[`x-ratelimit-reset-${kind}`] = `${resetSeconds}s`;
}

/** What one request holds: settled once with its real usage, or released when it failed. */
export class RateReservation {
  private done = false;

  constructor(
    private readonly counters: CounterStore,
    private readonly taken: Taken[],
    private readonly tokens: Taken | undefined,
    /** `x-ratelimit-*` headers for the response. */
    readonly headers: Record<string, string>,
  ) {}

  /** The request ended: the token reservation becomes the real count, the concurrency slot is given back. */
  async settle(actualTokens: number): Promise<void> {
    if (this.done) return;
    this.done = true;
    const work: Array<Promise<unknown>> = [];
    if (this.tokens) {
      const difference = Math.ceil(actualTokens) - this.tokens.amount;
      if (difference !== 0) work.push(this.counters.add(this.tokens.key, difference, this.tokens.ttlMs));
    }
    for (const entry of this.taken) if (entry.key.endsWith(':concurrent')) work.push(this.releaseSlot(entry));
    await Promise.all(work);
  }

  /** The request failed before it used anything: everything goes back. */
  async release(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await Promise.all(
      this.taken.map((entry) =>
        entry.key.endsWith(':concurrent')
          ? this.releaseSlot(entry)
          : this.counters.add(entry.key, -entry.amount, entry.ttlMs),
      ),
    );
  }

  private async releaseSlot(entry: Taken): Promise<void> {
    const value = await this.counters.add(entry.key, -1, entry.ttlMs);
    // The counter expired while the request ran (see `concurrencyTtlMs`): do not leave it below zero.
    if (value < 0) await this.counters.add(entry.key, -value, entry.ttlMs);
  }
}
