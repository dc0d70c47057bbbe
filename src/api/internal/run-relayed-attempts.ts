import type { AppDeps } from '../../app-deps.ts';
import type { Candidate } from '../../catalog/model-catalog.ts';
import { type AttemptRecord, executeWithFallback } from '../../routing/execute-with-fallback.ts';
import type { AnswerOrigin } from './apply-policy.ts';
import type { InboundRequest } from './inbound-request.ts';
import { createRequestDeadline } from './request-deadline.ts';

export type RelayedRun<T> = {
  value: T;
  candidate: Candidate;
  attempts: AttemptRecord[];
  /** `x-switchboard-provider`, `x-switchboard-attempts`, `x-switchboard-overhead-ms`. */
  headers: Headers;
  /** Who answered and how, for settling and the request record. */
  origin: AnswerOrigin;
};

/**
 * The attempt loop for answers the gateway relays rather than translates (native pass-through, embeddings): one
 * deadline over every attempt, the same retries and failover as chat, and the response headers and request-record
 * facts every such route reports.
 */
export async function runRelayedAttempts<T>(
  deps: AppDeps,
  candidates: Candidate[],
  client: InboundRequest,
  startedAt: number,
  attempt: (candidate: Candidate, signal: AbortSignal) => Promise<T>,
): Promise<RelayedRun<T>> {
  const deadline = createRequestDeadline(deps, client);
  const upstreamStartedAt = performance.now();
  try {
    const result = await executeWithFallback(candidates, attempt, {
      retries: deps.config.routing.retries,
      signal: deadline.signal,
      deadlineAt: deadline.deadlineAt,
      now: deps.now,
    });
    const upstreamMs = performance.now() - upstreamStartedAt;
    const overheadMs = Math.max(0, performance.now() - startedAt - upstreamMs);
    return {
      value: result.value,
      candidate: result.candidate,
      attempts: result.attempts,
      headers: new Headers({
        'x-switchboard-provider': result.candidate.provider.id,
        'x-switchboard-attempts': String(result.attempts.length),
        'x-switchboard-overhead-ms': overheadMs.toFixed(2),
      }),
      origin: {
        provider: result.candidate.provider.id,
        model: result.candidate.upstreamModel,
        attempts: result.attempts,
        overheadMs: Math.round(overheadMs * 100) / 100,
      },
    };
  } finally {
    deadline.clear();
  }
}
