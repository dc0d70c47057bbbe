import type { Candidate } from '../../catalog/model-catalog.ts';
import { estimateCost } from '../../telemetry/compute-cost.ts';
import { availableCandidates, orderByScore, type RoutingContext, type RoutingStrategy } from './routing-strategy.ts';

/**
 * The lowest expected price first: prompt estimate × input price + completion budget × output price. Candidates
 * without a known price go last, in config order; ties keep config order.
 */
export class CheapestStrategy implements RoutingStrategy {
  readonly name = 'cheapest' as const;

  order(candidates: readonly Candidate[], context: RoutingContext): Candidate[] {
    return orderByScore(
      availableCandidates(candidates, context),
      (candidate) => {
        const cost = expectedCostUsd(candidate, context);
        context.explain?.(candidate, cost === undefined ? 'price unknown' : `expected $${cost.toFixed(6)}`);
        return cost ?? Number.POSITIVE_INFINITY;
      },
      { exploration: 0, random: context.random },
    );
  }
}

/** The price of this request at this candidate, in USD, when its price is known. */
export function expectedCostUsd(candidate: Candidate, context: RoutingContext): number | undefined {
  const price = context.price(candidate);
  return price && estimateCost(context.expectedTokens, price);
}
