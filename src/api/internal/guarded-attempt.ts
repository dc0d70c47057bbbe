import type { AppDeps } from '../../app-deps.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { Candidate } from '../../catalog/model-catalog.ts';
import { followAbort } from '../../routing/follow-abort.ts';

/**
 * One attempt at one upstream, for every endpoint: admitted by the health model (an open circuit or a parked
 * provider is a retryable 503, so the loop moves on), bounded by the first-byte timeout when one is given (streams:
 * the time to their first chunk), and recorded — success with its latency, failure, or abandoned when the request
 * itself was aborted. `run` gets the attempt's own signal. A body that breaks while it is read is the upstream's
 * failure, for every endpoint: a retryable 502 the loop can fail over on, and that counts against the provider.
 */
export async function guardedAttempt<T>(
  deps: AppDeps,
  candidate: Candidate,
  signal: AbortSignal,
  options: { firstByteTimeoutMs?: number },
  run: (attemptSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  const target = { providerId: candidate.provider.id, model: candidate.upstreamModel };
  const admission = deps.health.admit(target);
  if (!admission.admitted) {
    throw new GatewayError({
      status: 503,
      code: 'provider_unavailable',
      message: `Skipped: ${admission.reason}.`,
      provider: candidate.provider.id,
      isRetryable: true,
    });
  }
  // A controller of its own only when a first-byte timer may abort this attempt alone; otherwise the request's
  // signal is the attempt's (one AbortController fewer per call on the hot path).
  const { firstByteTimeoutMs } = options;
  const controller =
    firstByteTimeoutMs === undefined ? undefined : (deps.createAbortController?.() ?? new AbortController());
  const unfollow = controller ? followAbort(controller, signal) : undefined;
  const attemptSignal = controller ? controller.signal : signal;
  const timer =
    controller === undefined
      ? undefined
      : setTimeout(
          () =>
            controller.abort(
              new GatewayError({
                status: 504,
                type: 'timeout_error',
                code: 'first_byte_timeout',
                message: `Provider '${candidate.provider.id}' sent nothing within ${firstByteTimeoutMs} ms.`,
                provider: candidate.provider.id,
                isRetryable: true,
              }),
            ),
          firstByteTimeoutMs,
        );
  const startedAt = performance.now();
  try {
    const value = await run(attemptSignal);
    deps.health.recordSuccess(target, performance.now() - startedAt);
    return value;
  } catch (error) {
    const failure = asUpstreamError(error, candidate, attemptSignal);
    if (signal.aborted) deps.health.recordAbandoned(target);
    else deps.health.recordFailure(target, failure);
    throw failure;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    unfollow?.();
  }
}

/**
 * A body cut mid-read (fetch's bare `TypeError: terminated`, or one with the socket error as its cause) as a retryable
 * 502 naming the provider. An attempt aborted with a reason (the first-byte timeout, the deadline) fails with that
 * reason; anything else (a bug) is left as it is.
 */
function asUpstreamError(error: unknown, candidate: Candidate, attemptSignal: AbortSignal): unknown {
  if (attemptSignal.aborted && attemptSignal.reason instanceof GatewayError) return attemptSignal.reason;
  if (error instanceof GatewayError || attemptSignal.aborted || !isBrokenBody(error)) return error;
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'upstream_connection_lost',
    message: `Provider '${candidate.provider.id}' dropped the connection: ${(error as Error).message}`,
    provider: candidate.provider.id,
    isRetryable: true,
    cause: error,
  });
}

function isBrokenBody(error: unknown): boolean {
  return error instanceof TypeError && (error.message === 'terminated' || error.cause instanceof Error);
}
