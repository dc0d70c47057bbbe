import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../catalog/model-catalog.ts';
import { CheapestStrategy } from './cheapest.ts';
import { createStrategy } from './create-strategy.ts';
import { LeastLatencyStrategy } from './least-latency.ts';
import { PriorityStrategy } from './priority.ts';
import { RoundRobinStrategy } from './round-robin.ts';
import { type RoutingStrategy, strategyNames } from './routing-strategy.ts';
import { SmartStrategy } from './smart.ts';
import { fakeCandidate, runStrategyConformance, syntheticContext } from './strategy-conformance.ts';
import { orderByThroughput } from './throughput.ts';
import { WeightedStrategy } from './weighted.ts';

for (const name of strategyNames) runStrategyConformance(name, () => createStrategy(name));

const [alpha, bravo, charlie] = ['alpha', 'bravo', 'charlie'].map((id) => fakeCandidate(id)) as [
  Candidate,
  Candidate,
  Candidate,
];
const all = [alpha, bravo, charlie];
const ids = (candidates: Candidate[]) => candidates.map((candidate) => candidate.provider.id);

/** How often each provider comes first over `runs` orders. */
function firsts(strategy: RoutingStrategy, runs: number, context: ReturnType<typeof syntheticContext>) {
  const counts: Record<string, number> = {};
  for (let run = 0; run < runs; run++) {
    const first = strategy.order(all, context)[0]?.provider.id ?? 'none';
    counts[first] = (counts[first] ?? 0) + 1;
  }
  return counts;
}

describe('priority', () => {
  it('keeps config order, skipping unavailable candidates', () => {
    expect(ids(new PriorityStrategy().order(all, syntheticContext({ unavailable: ['alpha'] })))).toEqual([
      'bravo',
      'charlie',
    ]);
  });
});

describe('round-robin', () => {
  it('starts one further down the list each request, per model', () => {
    const strategy = new RoundRobinStrategy();
    const context = syntheticContext();
    expect([1, 2, 3, 4].map(() => ids(strategy.order(all, context))[0])).toEqual([
      'alpha',
      'bravo',
      'charlie',
      'alpha',
    ]);
    expect(ids(strategy.order(all, syntheticContext({ key: 'other' })))[0]).toBe('alpha');
  });
});

describe('weighted', () => {
  it('leads in proportion to the configured weights', () => {
    const counts = firsts(
      new WeightedStrategy(),
      4000,
      syntheticContext({ weights: { alpha: 6, bravo: 3, charlie: 1 } }),
    );
    expect((counts.alpha ?? 0) / 4000).toBeCloseTo(0.6, 1);
    expect((counts.bravo ?? 0) / 4000).toBeCloseTo(0.3, 1);
    expect((counts.charlie ?? 0) / 4000).toBeCloseTo(0.1, 1);
  });

  it('puts weight 0 last, as a fallback only; a provider/model weight wins over the provider weight', () => {
    const context = syntheticContext({ weights: { alpha: 0, bravo: 1, 'charlie/model-a': 0 } });
    for (let run = 0; run < 50; run++)
      expect(ids(new WeightedStrategy().order(all, context))).toEqual(['bravo', 'alpha', 'charlie']);
  });
});

describe('least-latency', () => {
  const statistics = {
    alpha: { latencyMs: 300, tokensPerSecond: 100 },
    bravo: { latencyMs: 100, tokensPerSecond: 20 },
    charlie: { latencyMs: 200, tokensPerSecond: 500 },
  };

  it('orders by time to first token plus the completion budget at the measured speed', () => {
    // 500 tokens: alpha 300 + 5000, bravo 100 + 25000, charlie 200 + 1000.
    const context = syntheticContext({ statistics, exploration: 0 });
    expect(ids(new LeastLatencyStrategy().order(all, context))).toEqual(['charlie', 'alpha', 'bravo']);
    const short = syntheticContext({ statistics, exploration: 0, expectedTokens: { prompt: 10, completion: 1 } });
    expect(ids(new LeastLatencyStrategy().order(all, short))).toEqual(['bravo', 'charlie', 'alpha']);
  });

  it('tries an unmeasured candidate first, so every provider gets measured', () => {
    const context = syntheticContext({ statistics: { alpha: { latencyMs: 50 } }, exploration: 0 });
    expect(ids(new LeastLatencyStrategy().order(all, context))[0]).toBe('bravo');
  });

  it('explores: about `exploration` of the requests lead with a random candidate', () => {
    const counts = firsts(new LeastLatencyStrategy(), 3000, syntheticContext({ statistics, exploration: 0.3 }));
    expect((counts.charlie ?? 0) / 3000).toBeCloseTo(0.7 + 0.1, 1);
    expect(counts.alpha).toBeGreaterThan(150);
    expect(counts.bravo).toBeGreaterThan(150);
  });
});

describe('cheapest', () => {
  it('orders by the price of the expected tokens; unknown prices last, in config order', () => {
    const prices = { alpha: { input: 1, output: 1 }, charlie: { input: 0.1, output: 4 } };
    // 1000 prompt + 500 completion: alpha 0.0015, charlie 0.0021.
    expect(ids(new CheapestStrategy().order(all, syntheticContext({ prices })))).toEqual(['alpha', 'charlie', 'bravo']);
    const long = syntheticContext({ prices, expectedTokens: { prompt: 100_000, completion: 10 } });
    expect(ids(new CheapestStrategy().order(all, long))).toEqual(['charlie', 'alpha', 'bravo']);
  });
});

describe('smart', () => {
  const healthy = {
    alpha: { latencyMs: 200, tokensPerSecond: 100, successRatio: 1 },
    bravo: { latencyMs: 200, tokensPerSecond: 100, successRatio: 1 },
    charlie: { latencyMs: 200, tokensPerSecond: 100, successRatio: 1 },
  };
  const prices = { alpha: { input: 1, output: 2 }, bravo: { input: 2, output: 4 }, charlie: { input: 4, output: 8 } };

  it('with equal speed and reliability, prefers the cheaper and then the closer provider', () => {
    expect(
      ids(new SmartStrategy().order(all, syntheticContext({ statistics: healthy, prices, exploration: 0 }))),
    ).toEqual(['alpha', 'bravo', 'charlie']);
    const close = syntheticContext({ statistics: healthy, exploration: 0, proximity: { charlie: 1, alpha: 0 } });
    expect(ids(new SmartStrategy().order(all, close))).toEqual(['charlie', 'bravo', 'alpha']);
  });

  it('moves away from a provider whose success ratio drops, and back when it recovers', () => {
    const failing = { ...healthy, alpha: { ...healthy.alpha, successRatio: 0.3 } };
    expect(
      ids(new SmartStrategy().order(all, syntheticContext({ statistics: failing, prices, exploration: 0 })))[0],
    ).toBe('bravo');
    const recovered = { ...healthy, alpha: { ...healthy.alpha, successRatio: 0.95 } };
    expect(
      ids(new SmartStrategy().order(all, syntheticContext({ statistics: recovered, prices, exploration: 0 })))[0],
    ).toBe('alpha');
  });

  it('weighs speed as configured: with speed alone, the fastest leads whatever it costs', () => {
    const statistics = { ...healthy, charlie: { latencyMs: 20, tokensPerSecond: 1000, successRatio: 1 } };
    const context = syntheticContext({
      statistics,
      prices,
      exploration: 0,
      smartWeights: { reliability: 0, speed: 1, cost: 0, proximity: 0 },
    });
    expect(ids(new SmartStrategy().order(all, context))[0]).toBe('charlie');
  });

  it('explains each candidate with its score and parts', () => {
    const reasons = new Map<string, string>();
    new SmartStrategy().order(
      all,
      syntheticContext({
        statistics: healthy,
        prices,
        explain: (candidate, why) => reasons.set(candidate.provider.id, why),
      }),
    );
    expect(reasons.get('alpha')).toMatch(
      /^score 0\.\d\d \(reliability 1\.00, speed 1\.00, cost 1\.00, proximity 0\.50\)$/,
    );
  });
});

describe('throughput sort', () => {
  it('puts the most tokens per second first', () => {
    const statistics = {
      alpha: { tokensPerSecond: 10 },
      bravo: { tokensPerSecond: 300 },
      charlie: { tokensPerSecond: 50 },
    };
    expect(ids(orderByThroughput(all, syntheticContext({ statistics })))).toEqual(['bravo', 'charlie', 'alpha']);
  });
});
