import type { Candidate } from '../../catalog/model-catalog.ts';
import { availableCandidates, type RoutingContext, type RoutingStrategy } from './routing-strategy.ts';

/** Config order: the first provider listed serves while it is healthy, the others are its fallbacks. */
export class PriorityStrategy implements RoutingStrategy {
  readonly name = 'priority' as const;

  order(candidates: readonly Candidate[], context: RoutingContext): Candidate[] {
    const ordered = availableCandidates(candidates, context);
    for (const [index, candidate] of ordered.entries()) context.explain?.(candidate, `config position ${index + 1}`);
    return ordered;
  }
}
