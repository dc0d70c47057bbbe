import type { Candidate } from '../../catalog/model-catalog.ts';

/** The names `routing.strategy`, `routing.models.<model>.strategy` and `x-switchboard-strategy` accept. */
export const strategyNames = ['priority', 'round-robin', 'weighted', 'least-latency', 'cheapest', 'smart'] as const;
export type StrategyName = (typeof strategyNames)[number];

/** What the live statistics say about one provider+model (absent fields: not measured yet). */
export type CandidateStatistics = {
  /** Moving average of the time to the answer (to the first chunk of a stream), in milliseconds. */
  latencyMs?: number;
  /** Moving average of completion tokens per second. */
  tokensPerSecond?: number;
  /** Share of recent attempts that succeeded, 0..1, forgetting old failures over time. */
  successRatio?: number;
};

/** USD per million tokens. */
export type CandidatePrice = { input: number; output: number };

/** The weights of the `smart` score; they need not sum to 1 (the score is divided by their sum). */
export type SmartWeights = { reliability: number; speed: number; cost: number; proximity: number };

export const defaultSmartWeights: SmartWeights = { reliability: 0.4, speed: 0.3, cost: 0.2, proximity: 0.1 };

/** Everything a strategy may look at; all of it injected, so an order is a pure function of the context. */
export type RoutingContext = {
  /** What the request asked for (a model, a group, `auto`): the round-robin turn is counted per key. */
  key: string;
  /** False for candidates the health model or the request's preferences rule out: never returned. */
  isAvailable: (candidate: Candidate) => boolean;
  statistics: (candidate: Candidate) => CandidateStatistics;
  price: (candidate: Candidate) => CandidatePrice | undefined;
  /** Prompt estimate and completion budget (max_tokens, or a default) of this request. */
  expectedTokens: { prompt: number; completion: number };
  /** `weighted`: by provider id or `provider/model`; missing ones weigh 1. */
  weights: Record<string, number>;
  /** `smart`: 0..1 by provider id (a region or network hint from config); missing ones are a neutral 0.5. */
  proximity: Record<string, number>;
  smartWeights: SmartWeights;
  /** Chance (0..1) that `least-latency` and `smart` put a random candidate first, so a slow one can show it recovered. */
  exploration: number;
  /** Uniform in [0, 1); injected (seeded in tests) so orders are reproducible. */
  random: () => number;
  /** Receives a short reason per candidate for the route header and the request record. */
  explain?: (candidate: Candidate, reason: string) => void;
};

/** Puts candidates in the order they are tried. Never returns an unavailable candidate, nor one twice. */
export interface RoutingStrategy {
  readonly name: StrategyName;
  order(candidates: readonly Candidate[], context: RoutingContext): Candidate[];
}

/** The available candidates in their given order, each upstream once: what every strategy starts from. */
export function availableCandidates(candidates: readonly Candidate[], context: RoutingContext): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter((candidate) => {
    const key = candidateKey(candidate);
    if (seen.has(key) || !context.isAvailable(candidate)) return false;
    seen.add(key);
    return true;
  });
}

export function candidateKey(candidate: Candidate): string {
  return `${candidate.provider.id}/${candidate.upstreamModel}`;
}

/**
 * A stable sort by a score (lower first); ties keep the given (config) order. With probability `exploration`, a
 * random candidate is moved to the front instead of the best one.
 */
export function orderByScore(
  candidates: Candidate[],
  score: (candidate: Candidate) => number,
  context: Pick<RoutingContext, 'exploration' | 'random'>,
): Candidate[] {
  const ranked = candidates
    .map((candidate, index) => ({ candidate, index, score: score(candidate) }))
    .sort((a, b) => a.score - b.score || a.index - b.index)
    .map((entry) => entry.candidate);
  if (ranked.length > 1 && context.exploration > 0 && context.random() < context.exploration) {
    const pick = Math.min(ranked.length - 1, Math.floor(context.random() * ranked.length));
    const [explored] = ranked.splice(pick, 1);
    ranked.unshift(explored as Candidate);
  }
  return ranked;
}

/** Expected milliseconds to the whole answer: time to first token plus the completion budget at the measured speed. */
export function expectedDurationMs(statistics: CandidateStatistics, completionTokens: number): number | undefined {
  if (statistics.latencyMs === undefined) return undefined;
  const generation =
    statistics.tokensPerSecond && statistics.tokensPerSecond > 0
      ? (completionTokens / statistics.tokensPerSecond) * 1000
      : 0;
  return statistics.latencyMs + generation;
}
