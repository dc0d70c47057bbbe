import type { Candidate } from '../../catalog/model-catalog.ts';
import {
  availableCandidates,
  expectedDurationMs,
  orderByScore,
  type RoutingContext,
  type RoutingStrategy,
} from './routing-strategy.ts';

/**
 * The fastest expected answer first: the moving average of time to first token plus the completion budget at the
 * measured tokens per second. Candidates never measured go first (each is tried once, then judged), and with
 * probability `exploration` a random one leads, so a provider that was slow gets the samples that show it recovered.
 */
export class LeastLatencyStrategy implements RoutingStrategy {
  readonly name = 'least-latency' as const;

  order(candidates: readonly Candidate[], context: RoutingContext): Candidate[] {
    const completion = context.expectedTokens.completion;
    return orderByScore(
      availableCandidates(candidates, context),
      (candidate) => {
        const statistics = context.statistics(candidate);
        const expected = expectedDurationMs(statistics, completion);
        context.explain?.(
          candidate,
          expected === undefined
            ? 'not measured yet'
            : `expected ${Math.round(expected)}ms (ttft ${Math.round(statistics.latencyMs ?? 0)}ms${
                statistics.tokensPerSecond ? `, ${Math.round(statistics.tokensPerSecond)} tok/s` : ''
              })`,
        );
        return expected ?? -1;
      },
      context,
    );
  }
}
