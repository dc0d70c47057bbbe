import type { Candidate } from '../../catalog/model-catalog.ts';
import { availableCandidates, type RoutingContext, type RoutingStrategy } from './routing-strategy.ts';

/**
 * A weighted random draw without replacement: a provider of weight 3 comes first three times as often as one of
 * weight 1; the others follow as fallbacks in the same kind of draw. Weight 0 means "only as a fallback".
 */
export class WeightedStrategy implements RoutingStrategy {
  readonly name = 'weighted' as const;

  order(candidates: readonly Candidate[], context: RoutingContext): Candidate[] {
    const pool = availableCandidates(candidates, context).map((candidate) => ({
      candidate,
      weight: weightOf(candidate, context),
    }));
    const ordered: Candidate[] = [];
    while (pool.some((entry) => entry.weight > 0)) {
      const total = pool.reduce((sum, entry) => sum + entry.weight, 0);
      let draw = context.random() * total;
      let index = pool.findIndex((entry) => {
        draw -= entry.weight;
        return entry.weight > 0 && draw < 0;
      });
      if (index < 0) index = pool.findLastIndex((entry) => entry.weight > 0);
      const [picked] = pool.splice(index, 1);
      if (!picked) break;
      context.explain?.(picked.candidate, `weight ${picked.weight} of ${total}`);
      ordered.push(picked.candidate);
    }
    for (const entry of pool) {
      context.explain?.(entry.candidate, 'weight 0');
      ordered.push(entry.candidate);
    }
    return ordered;
  }
}

function weightOf(candidate: Candidate, context: RoutingContext): number {
  const weight =
    context.weights[`${candidate.provider.id}/${candidate.upstreamModel}`] ?? context.weights[candidate.provider.id];
  return weight === undefined || !Number.isFinite(weight) || weight < 0 ? 1 : weight;
}
