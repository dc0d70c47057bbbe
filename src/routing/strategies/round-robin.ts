import type { Candidate } from '../../catalog/model-catalog.ts';
import { availableCandidates, type RoutingContext, type RoutingStrategy } from './routing-strategy.ts';

/**
 * Each request starts one further down the list (per model, group or `auto`), the rest follow as fallbacks. The
 * turn is counted in this process: replicas each rotate on their own.
 */
export class RoundRobinStrategy implements RoutingStrategy {
  readonly name = 'round-robin' as const;
  private readonly turns = new Map<string, number>();

  order(candidates: readonly Candidate[], context: RoutingContext): Candidate[] {
    const available = availableCandidates(candidates, context);
    if (available.length === 0) return available;
    const turn = this.turns.get(context.key) ?? 0;
    this.turns.set(context.key, turn + 1);
    const start = turn % available.length;
    const ordered = [...available.slice(start), ...available.slice(0, start)];
    context.explain?.(ordered[0] as Candidate, `turn ${turn + 1} of ${available.length}`);
    return ordered;
  }
}
