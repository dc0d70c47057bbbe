import type { AppDeps } from '../../app-deps.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { Candidate } from '../../catalog/model-catalog.ts';
import { applyProviderLimits } from '../../policy/provider-limits.ts';

/**
 * The model's candidates followed by those of its configured fallback models (`routing.fallbacks`), each upstream
 * once, with the ones the health model refuses right now (open circuit, parked after a 429) left out. When every one
 * is refused, a 503 that says why and when to come back. Providers with `limits` reserve their quota in each call
 * (`applyProviderLimits`): one at its limit fails that attempt with a retryable 429 and is parked like any other.
 */
export function planCandidates(
  deps: AppDeps,
  model: string,
  primary: Candidate[],
  kind: 'chat' | 'embedding' = 'chat',
): Candidate[] {
  const all = [...primary];
  for (const fallback of deps.config.routing.fallbacks[model] ?? []) {
    // A fallback model serves the same endpoint only: a chat request never falls back to an embedding model.
    all.push(...deps.catalog.resolve(fallback).filter((candidate) => (candidate.kind ?? kind) === kind));
  }
  const seen = new Set<string>();
  const unique = all.filter((candidate) => {
    const key = `${candidate.provider.id}\u0000${candidate.upstreamModel}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const refusals: Array<{ reason: string; retryAt: number }> = [];
  const available = unique.filter((candidate) => {
    const verdict = deps.health.peek({ providerId: candidate.provider.id, model: candidate.upstreamModel });
    if (!verdict.admitted) refusals.push(verdict);
    return verdict.admitted;
  });
  if (available.length > 0) return applyProviderLimits(deps, available);
  const retryAt = Math.min(...refusals.map((refusal) => refusal.retryAt));
  throw new GatewayError({
    status: 503,
    type: 'server_error',
    code: 'no_healthy_provider',
    message: `No provider for '${model}' can take requests right now: ${refusals.map((refusal) => refusal.reason).join('; ')}.`,
    retryAfterMs: Math.max(0, retryAt - deps.now()),
    isRetryable: true,
  });
}
