import type { AppDeps } from '../../app-deps.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { Candidate } from '../../catalog/model-catalog.ts';
import { followAbort } from '../../routing/follow-abort.ts';

/**
 * One attempt at one upstream, for every endpoint: admitted by the health model (an open circuit or a parked
 * provider is a retryable 503, so the loop moves on), bounded by the first-byte timeout when one is given (streams:
 * the time to their first chunk), and recorded — success with its latency, failure, or abandoned when the request
 * itself was aborted. `run` gets the attempt's own signal.
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
  const controller = new AbortController();
  const unfollow = followAbort(controller, signal);
  const { firstByteTimeoutMs } = options;
  const timer =
    firstByteTimeoutMs === undefined
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
    const value = await run(controller.signal);
    deps.health.recordSuccess(target, performance.now() - startedAt);
    return value;
  } catch (error) {
    if (signal.aborted) deps.health.recordAbandoned(target);
    else deps.health.recordFailure(target, error);
    throw error;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    unfollow();
  }
}
