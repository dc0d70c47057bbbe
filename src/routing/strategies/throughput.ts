import type { Candidate } from '../../catalog/model-catalog.ts';
import { availableCandidates, orderByScore, type RoutingContext } from './routing-strategy.ts';

/**
 * The highest measured tokens per second first (the request preference `sort: "throughput"`); candidates never
 * measured go first so they get measured, ties keep config order.
 */
export function orderByThroughput(candidates: readonly Candidate[], context: RoutingContext): Candidate[] {
  return orderByScore(
    availableCandidates(candidates, context),
    (candidate) => {
      const speed = context.statistics(candidate).tokensPerSecond;
      context.explain?.(candidate, speed === undefined ? 'not measured yet' : `${Math.round(speed)} tok/s`);
      return speed === undefined ? Number.NEGATIVE_INFINITY : -speed;
    },
    { exploration: 0, random: context.random },
  );
}
