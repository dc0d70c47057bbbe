import type { AppDeps } from '../../app-deps.ts';
import type { ChatRequest } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { Candidate } from '../../catalog/model-catalog.ts';
import { estimatePromptTokens, outputAllowance } from '../../policy/estimate-chat-tokens.ts';
import type { ProviderPreferences } from '../../routing/provider-preferences.ts';
import type { RouteDecision } from '../../routing/route-decision.ts';
import { createStrategy } from '../../routing/strategies/create-strategy.ts';
import {
  candidateKey,
  type RoutingContext,
  type RoutingStrategy,
  type StrategyName,
  strategyNames,
} from '../../routing/strategies/routing-strategy.ts';
import { orderByThroughput } from '../../routing/strategies/throughput.ts';
import { priceCatalogFor } from '../../telemetry/price-catalog.ts';
import { chooseAutoModels, needsOf } from './choose-auto-models.ts';
import { planCandidates } from './plan-candidates.ts';
import { resolveCandidates } from './resolve-candidates.ts';

/** Completion tokens expected when the request sets no max_tokens (cheapest, smart and least-latency use it). */
const DEFAULT_COMPLETION_TOKENS = 1024;

/**
 * The tokens a request is expected to take, for strategies that price or time it: the same prompt estimate the limits
 * and budgets reserve, so routing and policy price a request alike. The prompt is measured only when a strategy asks
 * (priority and weighted orders never do).
 */
class ExpectedTokens {
  readonly completion: number;
  private readonly request: ChatRequest;

  constructor(request: ChatRequest) {
    this.request = request;
    this.completion = outputAllowance(request, DEFAULT_COMPLETION_TOKENS);
  }

  get prompt(): number {
    return estimatePromptTokens(this.request);
  }
}

export type ChatRoute = {
  candidates: Candidate[];
  decision: RouteDecision;
  /** The model id a candidate serves the request as (a group's or `auto`'s member, else the model asked). */
  servedAs: (candidate: Candidate) => string;
};

/** Strategy instances per config (round-robin keeps its turns in its instance). */
const strategies = new WeakMap<object, Map<StrategyName, RoutingStrategy>>();

/**
 * Which upstreams to try, in which order, and why: the model, group or `auto` choice → its candidates → the
 * request's provider preferences (only, ignore, max_price) → health and fallback models (`planCandidates`) → the
 * strategy, per tier (the model's own candidates, then those of its fallback models) → `order` and
 * `allow_fallbacks`.
 */
export function routeChatRequest(
  deps: AppDeps,
  request: ChatRequest,
  headers: Headers,
  preferences: ProviderPreferences | undefined,
): ChatRoute {
  const model = request.model;
  const expectedTokens = new ExpectedTokens(request);
  const excluded: RouteDecision['excluded'] = [];
  const group = Object.hasOwn(deps.config.groups, model) ? deps.config.groups[model] : undefined;
  const auto = model === 'auto' && !group ? deps.config.auto : undefined;
  let members = [model];
  if (group) members = group;
  else if (auto) {
    const choice = chooseAutoModels(auto.models, needsOf(request, expectedTokens));
    excluded.push(...choice.skipped);
    if (choice.eligible.length === 0) {
      throw new GatewayError({
        status: 400,
        code: 'no_auto_model',
        param: 'model',
        message: `No model of 'auto' can take this request: ${choice.skipped.map((skip) => `${skip.model} ${skip.reason.slice(6)}`).join('; ')}.`,
      });
    }
    members = choice.eligible;
  }

  const servedAs = new Map<string, string>();
  const primary: Candidate[] = [];
  let firstError: unknown;
  for (const member of members) {
    try {
      for (const candidate of resolveCandidates(deps.catalog, member, 'chat')) {
        if (!servedAs.has(candidateKey(candidate))) servedAs.set(candidateKey(candidate), member);
        primary.push(candidate);
      }
    } catch (error) {
      if (members.length === 1) throw error;
      firstError ??= error;
      excluded.push({ model: member, reason: 'not served by any provider' });
    }
  }
  if (primary.length === 0) throw firstError;

  const prices = priceCatalogFor(deps);
  const priceOf = (candidate: Candidate) => prices.priceOf(candidate.provider.id, candidate.upstreamModel);
  const allowed = (candidate: Candidate) => {
    const reason = preferenceExclusion(candidate, preferences, priceOf);
    if (reason) excluded.push({ provider: candidate.provider.id, model: candidate.upstreamModel, reason });
    return reason === undefined;
  };
  const wanted = primary.filter(allowed);
  if (wanted.length === 0) {
    const served = [...new Set(primary.map((candidate) => candidate.provider.id))].join(', ');
    throw new GatewayError({
      status: 400,
      code: 'no_provider_matches',
      param: 'provider',
      message: `No provider of '${model}' matches the request's provider preferences (${excluded.map((entry) => `${entry.provider}: ${entry.reason}`).join('; ')}). Providers serving it: ${served}.`,
    });
  }
  const planned = planCandidates(deps, model, wanted);
  const plannedKeys = new Set(planned.map(candidateKey));
  for (const candidate of wanted) {
    if (!plannedKeys.has(candidateKey(candidate))) {
      excluded.push({ provider: candidate.provider.id, model: candidate.upstreamModel, reason: 'unhealthy' });
    }
  }
  const primaryKeys = new Set(wanted.map(candidateKey));
  const noFallbacks = preferences?.allowFallbacks === false;
  const ownTier = planned.filter((candidate) => primaryKeys.has(candidateKey(candidate)));
  const fallbackTier = noFallbacks ? [] : planned.filter((candidate) => !primaryKeys.has(candidateKey(candidate)));
  for (const candidate of fallbackTier) {
    if (!servedAs.has(candidateKey(candidate))) servedAs.set(candidateKey(candidate), candidate.upstreamModel);
  }

  const { name, source } = strategyFor(deps, model, Boolean(auto), headers, preferences);
  const settings = deps.config.routing.models[model];
  const reasons = new Map<string, string>();
  const context: RoutingContext = {
    key: model,
    isAvailable: () => true,
    statistics: (candidate) =>
      deps.health.statisticsOf({ providerId: candidate.provider.id, model: candidate.upstreamModel }),
    price: priceOf,
    expectedTokens,
    weights: { ...deps.config.routing.weights, ...settings?.weights },
    proximity: deps.config.routing.proximity,
    smartWeights: settings?.smart ?? deps.config.routing.smart,
    exploration: deps.config.routing.exploration,
    random: Math.random,
    explain: (candidate, reason) => reasons.set(candidateKey(candidate), reason),
  };
  const order = (tier: Candidate[]) =>
    name === 'throughput' ? orderByThroughput(tier, context) : strategyOf(deps, name).order(tier, context);
  let ordered = [...order(ownTier), ...order(fallbackTier.filter(allowed))];
  if (preferences?.order) ordered = applyOrder(ordered, preferences.order);
  if (noFallbacks) {
    const named = new Set(preferences?.order?.map((id) => id.toLowerCase()) ?? []);
    const kept = ordered.filter((candidate) => named.has(candidate.provider.id.toLowerCase()));
    ordered = kept.length > 0 ? kept : ordered.slice(0, 1);
  }
  const decision: RouteDecision = {
    requested: model,
    kind: group ? 'group' : auto ? 'auto' : 'model',
    strategy: name,
    strategySource: source,
    ...(preferences ? { preferences } : {}),
    candidates: ordered.map((candidate) => ({
      provider: candidate.provider.id,
      model: candidate.upstreamModel,
      servedAs: servedAs.get(candidateKey(candidate)) ?? model,
      reason: reasons.get(candidateKey(candidate)) ?? '',
    })),
    excluded,
  };
  return {
    candidates: ordered,
    decision,
    servedAs: (candidate) => servedAs.get(candidateKey(candidate)) ?? model,
  };
}

/** Why the preferences leave this candidate out, or undefined when they let it in. */
function preferenceExclusion(
  candidate: Candidate,
  preferences: ProviderPreferences | undefined,
  priceOf: (candidate: Candidate) => { input: number; output: number } | undefined,
): string | undefined {
  if (!preferences) return undefined;
  const id = candidate.provider.id.toLowerCase();
  if (preferences.only && !preferences.only.some((name) => name.toLowerCase() === id)) return 'not in provider.only';
  if (preferences.ignore?.some((name) => name.toLowerCase() === id)) return 'in provider.ignore';
  const limit = preferences.maxPrice;
  if (limit && (limit.prompt !== undefined || limit.completion !== undefined)) {
    const price = priceOf(candidate);
    if (!price) return 'price unknown (provider.max_price)';
    if (limit.prompt !== undefined && price.input > limit.prompt) return `input $${price.input}/M over max_price`;
    if (limit.completion !== undefined && price.output > limit.completion) {
      return `output $${price.output}/M over max_price`;
    }
  }
  return undefined;
}

/** The strategy: header, then the `sort` preference, then the model's, then `auto`'s, then the global one. */
function strategyFor(
  deps: AppDeps,
  model: string,
  isAuto: boolean,
  headers: Headers,
  preferences: ProviderPreferences | undefined,
): { name: StrategyName | 'throughput'; source: RouteDecision['strategySource'] } {
  const asked = headers.get('x-switchboard-strategy')?.trim();
  if (asked) {
    if (!strategyNames.includes(asked as StrategyName)) {
      throw new GatewayError({
        status: 400,
        code: 'invalid_value',
        param: 'x-switchboard-strategy',
        message: `Invalid header 'x-switchboard-strategy': '${asked}' is not a strategy (use ${strategyNames.join(', ')}).`,
      });
    }
    return { name: asked as StrategyName, source: 'header' };
  }
  if (preferences?.sort === 'price') return { name: 'cheapest', source: 'preference' };
  if (preferences?.sort === 'latency') return { name: 'least-latency', source: 'preference' };
  if (preferences?.sort === 'throughput') return { name: 'throughput', source: 'preference' };
  const own = deps.config.routing.models[model]?.strategy;
  if (own) return { name: own, source: 'model' };
  if (isAuto && deps.config.auto?.strategy) return { name: deps.config.auto.strategy, source: 'auto' };
  return { name: deps.config.routing.strategy, source: deps.config.fromFile ? 'config' : 'default' };
}

function strategyOf(deps: AppDeps, name: StrategyName): RoutingStrategy {
  let byName = strategies.get(deps.config);
  if (!byName) {
    byName = new Map();
    strategies.set(deps.config, byName);
  }
  let strategy = byName.get(name);
  if (!strategy) {
    strategy = createStrategy(name);
    byName.set(name, strategy);
  }
  return strategy;
}

/** The providers named in `order` first, in that order; the rest keep theirs. */
function applyOrder(candidates: Candidate[], order: string[]): Candidate[] {
  const rank = (candidate: Candidate) => {
    const index = order.findIndex((id) => id.toLowerCase() === candidate.provider.id.toLowerCase());
    return index < 0 ? order.length : index;
  };
  return candidates
    .map((candidate, index) => ({ candidate, index, rank: rank(candidate) }))
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.candidate);
}
