import type { Candidate } from '../../catalog/model-catalog.ts';
import { expectedCostUsd } from './cheapest.ts';
import {
  availableCandidates,
  expectedDurationMs,
  orderByScore,
  type RoutingContext,
  type RoutingStrategy,
} from './routing-strategy.ts';

/** What a dimension counts for when nothing is known about it: neither a reward nor a penalty. */
const NEUTRAL = 0.5;

/**
 * One score per candidate, highest first, from four parts in 0..1 weighted by `routing.smart` (default
 * reliability 0.4, speed 0.3, cost 0.2, proximity 0.1):
 * - reliability: the recent success ratio (1 while unmeasured; the circuit breaker guards the rest);
 * - speed: the fastest expected duration divided by this one's (1 while unmeasured, so each gets tried and measured);
 * - cost: the cheapest expected price divided by this one's (unknown price: 0.5);
 * - proximity: the configured hint for the provider (`routing.proximity`, e.g. 1 for the same region), else 0.5.
 * With probability `exploration` a random candidate leads, so a provider that failed can show it recovered.
 */
export class SmartStrategy implements RoutingStrategy {
  readonly name = 'smart' as const;

  order(candidates: readonly Candidate[], context: RoutingContext): Candidate[] {
    const available = availableCandidates(candidates, context);
    const { completion } = context.expectedTokens;
    const durations = new Map(
      available.map((candidate) => [candidate, expectedDurationMs(context.statistics(candidate), completion)]),
    );
    const costs = new Map(available.map((candidate) => [candidate, expectedCostUsd(candidate, context)]));
    const fastest = minimum([...durations.values()]);
    const cheapest = minimum([...costs.values()]);
    const weights = context.smartWeights;
    const totalWeight = weights.reliability + weights.speed + weights.cost + weights.proximity || 1;
    return orderByScore(
      available,
      (candidate) => {
        const reliability = context.statistics(candidate).successRatio ?? 1;
        const duration = durations.get(candidate);
        const speed = duration === undefined || fastest === undefined ? 1 : ratio(fastest, duration);
        const cost = costs.get(candidate);
        const cheapness = cost === undefined || cheapest === undefined ? NEUTRAL : ratio(cheapest, cost);
        const proximity = clamp(context.proximity[candidate.provider.id] ?? NEUTRAL);
        const score =
          (weights.reliability * reliability +
            weights.speed * speed +
            weights.cost * cheapness +
            weights.proximity * proximity) /
          totalWeight;
        context.explain?.(
          candidate,
          `score ${score.toFixed(2)} (reliability ${reliability.toFixed(2)}, speed ${speed.toFixed(2)}, cost ${cheapness.toFixed(2)}, proximity ${proximity.toFixed(2)})`,
        );
        // On a tie, the unmeasured candidate first: that is how it gets measured.
        return -score - (duration === undefined ? 1e-9 : 0);
      },
      context,
    );
  }
}

/** best / value for "lower is better" quantities, in 0..1; both zero (free, instant) is a perfect 1. */
function ratio(best: number, value: number): number {
  if (value <= 0) return 1;
  return clamp(best / value);
}

function minimum(values: Array<number | undefined>): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : Math.min(...known);
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}
