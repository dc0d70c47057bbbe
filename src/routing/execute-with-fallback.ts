import { GatewayError } from '../canonical/index.ts';
import type { Candidate } from '../catalog/model-catalog.ts';

/** One try at one upstream, kept for the response headers and the request log. */
export type AttemptRecord = {
  provider: string;
  model: string;
  durationMs: number;
  status?: number;
  error?: string;
};

export type ExecuteOptions = {
  /** Extra attempts after the first; every candidate is tried at least once whatever this says. */
  retries: number;
  /** Aborts on client disconnect and on the deadline. */
  signal: AbortSignal;
  /** When the whole request must be done (ms since the epoch), shared by every retry and fallback. */
  deadlineAt: number;
  now: () => number;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random?: () => number;
  /** First backoff step and its cap, in milliseconds. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
};

export type ExecuteResult<T> = { value: T; candidate: Candidate; attempts: AttemptRecord[] };

/**
 * The attempt loop: candidates in priority order, then again with exponential backoff and full jitter for errors
 * worth retrying. A wait the upstream asked for (`retry-after`) is honoured when it fits the deadline; when it does
 * not, the loop moves on to another candidate at once instead of sleeping. Errors that are the client's (400, 413,
 * 422) end the loop at once; an upstream's 401/403/404 moves on to the next candidate but never retries the same one.
 */
export async function executeWithFallback<T>(
  candidates: Candidate[],
  attempt: (candidate: Candidate, signal: AbortSignal) => Promise<T>,
  options: ExecuteOptions,
): Promise<ExecuteResult<T>> {
  if (candidates.length === 0) {
    // Every caller plans candidates first, but a plan filtered down to nothing must fail clearly, not divide by zero.
    throw new GatewayError({
      status: 503,
      type: 'server_error',
      code: 'no_healthy_provider',
      message: 'No provider can take this request right now.',
      isRetryable: true,
    });
  }
  const attempts: AttemptRecord[] = [];
  const retryable = new Set(candidates.map((_, index) => index));
  const maxAttempts = Math.max(candidates.length, 1 + options.retries);
  const random = options.random ?? Math.random;
  let lastError: unknown;
  let position = 0;

  while (attempts.length < maxAttempts) {
    if (options.signal.aborted) throw abortError(options.signal);
    const index = position % candidates.length;
    if (position >= candidates.length && !retryable.has(index)) {
      if (retryable.size === 0) break;
      position++;
      continue;
    }
    if (position >= candidates.length) {
      // The round counts passes over the list, so the backoff grows even when candidate 0 is out of the running.
      const round = Math.floor(position / candidates.length);
      const wait = backoffFor(lastError, round, random, options);
      if (wait === undefined) break;
      await sleep(wait, options.signal).catch(() => undefined);
      if (options.signal.aborted) throw abortError(options.signal);
    }
    const candidate = candidates[index] as Candidate;
    const startedAt = options.now();
    try {
      const value = await attempt(candidate, options.signal);
      attempts.push({
        provider: candidate.provider.id,
        model: candidate.upstreamModel,
        durationMs: options.now() - startedAt,
      });
      return { value, candidate, attempts };
    } catch (error) {
      lastError = error;
      const record: AttemptRecord = {
        provider: candidate.provider.id,
        model: candidate.upstreamModel,
        durationMs: options.now() - startedAt,
        error: error instanceof Error ? error.message : String(error),
      };
      if (error instanceof GatewayError) record.status = error.status;
      attempts.push(record);
      if (options.signal.aborted) throw abortError(options.signal);
      if (!(error instanceof GatewayError)) throw error;
      if (!error.isRetryable) {
        retryable.delete(index);
        if (!isProviderSpecific(error.status)) throw withAttempts(error, attempts);
      }
    }
    position++;
  }
  throw withAttempts(lastError, attempts);
}

/** Errors that say something about this provider (its key, its model list), not about the request. */
function isProviderSpecific(status: number): boolean {
  return status === 401 || status === 403 || status === 404;
}

function backoffFor(error: unknown, round: number, random: () => number, options: ExecuteOptions): number | undefined {
  const remaining = options.deadlineAt - options.now();
  const asked = error instanceof GatewayError ? error.retryAfterMs : undefined;
  if (asked !== undefined) return asked < remaining ? asked : undefined;
  const base = options.backoffBaseMs ?? 250;
  const cap = options.backoffCapMs ?? 5_000;
  const wait = random() * Math.min(cap, base * 2 ** Math.max(0, round - 1));
  return wait < remaining ? wait : undefined;
}

function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function abortError(signal: AbortSignal): GatewayError {
  if (signal.reason instanceof GatewayError) return signal.reason;
  // The client went away: nobody reads this answer, but the status keeps logs honest (nginx's 499).
  return new GatewayError({
    status: 499,
    type: 'invalid_request_error',
    code: 'client_closed_request',
    message: 'The client closed the request.',
    isRetryable: false,
  });
}

function withAttempts(error: unknown, attempts: AttemptRecord[]): unknown {
  if (error instanceof GatewayError) (error as GatewayError & { attempts?: AttemptRecord[] }).attempts = attempts;
  return error;
}
