import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../catalog/model-catalog.ts';
import type { ProviderAdapter, ProviderDefinition } from '../../providers/provider-adapter.ts';
import {
  type CandidateStatistics,
  candidateKey,
  defaultSmartWeights,
  type RoutingContext,
  type RoutingStrategy,
} from './routing-strategy.ts';
import { seededRandom } from './seeded-random.ts';

/** A candidate for strategy tests: only the provider id and the upstream model matter. */
export function fakeCandidate(providerId: string, model = 'model-a'): Candidate {
  const provider = { id: providerId, type: 'openai', baseUrl: `http://${providerId}.test/v1` } as ProviderDefinition;
  return { provider, adapter: {} as ProviderAdapter, upstreamModel: model, kind: 'chat' };
}

/** A context over synthetic statistics and prices, keyed by provider id. */
export function syntheticContext(
  options: {
    statistics?: Record<string, CandidateStatistics>;
    prices?: Record<string, { input: number; output: number }>;
    unavailable?: string[];
    seed?: number;
  } & Partial<Omit<RoutingContext, 'statistics' | 'price' | 'random'>> = {},
): RoutingContext {
  const { statistics = {}, prices = {}, unavailable = [], seed = 1, ...rest } = options;
  return {
    key: 'model-a',
    isAvailable: (candidate) => !unavailable.includes(candidate.provider.id),
    statistics: (candidate) => statistics[candidate.provider.id] ?? {},
    price: (candidate) => prices[candidate.provider.id],
    expectedTokens: { prompt: 1000, completion: 500 },
    weights: {},
    proximity: {},
    smartWeights: defaultSmartWeights,
    exploration: 0.1,
    random: seededRandom(seed),
    ...rest,
  };
}

/**
 * The contract every routing strategy keeps, run by each strategy's test on the same synthetic statistics:
 * only available candidates, each once, nothing invented, and the same order for the same statistics and seed.
 */
export function runStrategyConformance(name: string, create: () => RoutingStrategy): void {
  const candidates = ['alpha', 'bravo', 'charlie', 'delta'].map((id) => fakeCandidate(id));
  const statistics: Record<string, CandidateStatistics> = {
    alpha: { latencyMs: 400, tokensPerSecond: 50, successRatio: 0.9 },
    bravo: { latencyMs: 100, tokensPerSecond: 200, successRatio: 1 },
    charlie: { latencyMs: 900, successRatio: 0.5 },
  };
  const prices = {
    alpha: { input: 3, output: 15 },
    bravo: { input: 0.5, output: 1 },
    delta: { input: 0.1, output: 0.2 },
  };

  describe(`${name} strategy conformance`, () => {
    it('returns every available candidate exactly once, and nothing else', () => {
      for (let seed = 1; seed <= 20; seed++) {
        const ordered = create().order(candidates, syntheticContext({ statistics, prices, seed }));
        expect(ordered.map(candidateKey).sort()).toEqual(candidates.map(candidateKey).sort());
      }
    });

    it('never returns an unhealthy or excluded candidate', () => {
      for (let seed = 1; seed <= 20; seed++) {
        const context = syntheticContext({ statistics, prices, seed, unavailable: ['bravo', 'delta'] });
        const ordered = create().order(candidates, context);
        expect(ordered.map((candidate) => candidate.provider.id).sort()).toEqual(['alpha', 'charlie']);
      }
      const none = create().order(
        candidates,
        syntheticContext({ unavailable: ['alpha', 'bravo', 'charlie', 'delta'] }),
      );
      expect(none).toEqual([]);
    });

    it('lists a candidate given twice once', () => {
      const twice = [...candidates, fakeCandidate('alpha')];
      const ordered = create().order(twice, syntheticContext({ statistics, prices }));
      expect(ordered.filter((candidate) => candidate.provider.id === 'alpha')).toHaveLength(1);
    });

    it('is deterministic: the same statistics and seed give the same orders', () => {
      const run = () => {
        const strategy = create();
        const context = syntheticContext({ statistics, prices, seed: 42 });
        return Array.from({ length: 30 }, () => strategy.order(candidates, context).map(candidateKey).join(','));
      };
      expect(run()).toEqual(run());
    });

    it('handles no candidates and a single one', () => {
      expect(create().order([], syntheticContext())).toEqual([]);
      const [only] = candidates;
      expect(create().order([only as Candidate], syntheticContext())).toEqual([only]);
    });

    it('does not change the list it was given', () => {
      const copy = [...candidates];
      create().order(candidates, syntheticContext({ statistics, prices }));
      expect(candidates).toEqual(copy);
    });
  });
}
