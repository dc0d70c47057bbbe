import type { AppDeps } from '../app-deps.ts';
import { GatewayError } from '../canonical/index.ts';
import { priceCatalogFor } from '../telemetry/price-catalog.ts';
import type { RequestRecord, TelemetrySink } from '../telemetry/request-record.ts';
import { BudgetGuard, type BudgetReservation } from './budget-guard.ts';
import { matchesAnyModelPattern } from './matches-model-pattern.ts';
import { costOfUsage, type ModelPricing } from './model-pricing.ts';
import { RateLimiter, type RateReservation } from './rate-limiter.ts';
import { ResponseCache } from './response-cache.ts';
import type { KeyBudget, KeyLimits, VirtualKey } from './virtual-key.ts';
import { VirtualKeyStore } from './virtual-key-store.ts';
import { VirtualKeys } from './virtual-keys.ts';

/** Keys, limits, budgets and the response cache of one app, over its state stores. */
export type Policy = {
  virtualKeys: VirtualKeys;
  limiter: RateLimiter;
  budgets: BudgetGuard;
  cache: ResponseCache;
  pricing: ModelPricing;
};

export function createPolicy(deps: AppDeps): Policy {
  const pricing = catalogPricing(deps);
  const { keyValue, counters } = deps.stores;
  return {
    virtualKeys: new VirtualKeys(new VirtualKeyStore(keyValue, counters), deps.now),
    limiter: new RateLimiter(counters, deps.now),
    budgets: new BudgetGuard(counters, deps.now),
    cache: new ResponseCache(keyValue, deps.config.cache, deps.now),
    pricing,
  };
}

/** Prices from the telemetry price catalog; a model asked by its client name is priced at its first candidate. */
function catalogPricing(deps: AppDeps): ModelPricing {
  return (model, providerId) => {
    const prices = priceCatalogFor(deps);
    if (providerId !== undefined) return prices.priceOf(providerId, model);
    const candidate = deps.catalog.resolve(model)[0];
    return candidate ? prices.priceOf(candidate.provider.id, candidate.upstreamModel) : undefined;
  };
}

/** 403 when a virtual key may not use the model (its `models` patterns); static keys may use any. */
export function assertModelAllowed(key: VirtualKey | undefined, model: string): void {
  if (!key?.models || matchesAnyModelPattern(model, key.models)) return;
  throw new GatewayError({
    status: 403,
    type: 'permission_error',
    code: 'model_not_allowed',
    param: 'model',
    message: `The key '${key.id}' may not use the model '${model}'. Allowed: ${key.models.join(', ') || 'none'}.`,
  });
}

/** One admitted request's holds on its key's limits and budgets. */
export type ChatAdmission = {
  /** `x-ratelimit-*` for the response. */
  headers: Record<string, string>;
  /** The request ended (the record says how): usage and cost replace the estimates, the slot is given back. */
  settle(record: RequestRecord): Promise<void>;
  /** Nothing was used (the request failed before any upstream answered). */
  release(): Promise<void>;
};

/** What a request is reserved for before the call: the model asked, its estimated prompt and its output allowance. */
export type RequestEstimate = { model: string; promptTokens: number; outputTokens: number };

/**
 * Reserves a virtual key's rate limits and budgets before the call (defaults from `limits` fill what the key leaves
 * unset), for any request shape: the caller estimates the tokens (`estimate-request.ts`). Requests without a virtual
 * key (static gateway keys, open gateways) are not limited: `undefined`. Throws a 429 or 402 `PolicyRefusal`.
 */
export async function admitRequest(
  policy: Policy,
  defaults: AppDeps['config']['limits'],
  key: VirtualKey | undefined,
  request: RequestEstimate,
): Promise<ChatAdmission | undefined> {
  if (!key) return undefined;
  const limits: KeyLimits = { ...definedOnly(defaults), ...key.limits };
  const budget: KeyBudget | undefined = key.budget ?? defaults.budget;
  const { promptTokens, outputTokens: output } = request;
  const rate = await policy.limiter.reserve(key.id, limits, promptTokens + output);
  let spend: BudgetReservation | undefined;
  if (budget && Object.keys(budget).length > 0) {
    const price = policy.pricing(request.model);
    const estimate = costOfUsage(price, {
      prompt_tokens: promptTokens,
      completion_tokens: output,
      total_tokens: promptTokens + output,
    });
    try {
      spend = await policy.budgets.reserve(key.id, budget, estimate ?? 0);
    } catch (error) {
      await rate.release();
      throw error;
    }
  }
  return chatAdmission(policy, rate, spend);
}

function chatAdmission(policy: Policy, rate: RateReservation, spend: BudgetReservation | undefined): ChatAdmission {
  return {
    headers: rate.headers,
    async settle(record) {
      if (record.status !== 200) {
        await Promise.all([rate.release(), spend?.release()]);
        return;
      }
      const cost = record.cacheHit ? 0 : (record.costUsd ?? costOfRecord(policy.pricing, record) ?? 0);
      await Promise.all([rate.settle(record.usage?.total_tokens ?? 0), spend?.settle(cost)]);
    },
    release: () => Promise.all([rate.release(), spend?.release()]).then(() => undefined),
  };
}

/** A record's cost at the model's price (the model used, else the one asked). */
export function costOfRecord(pricing: ModelPricing, record: RequestRecord): number | undefined {
  return costOfUsage(pricing(record.modelUsed ?? record.modelAsked, record.provider), record.usage);
}

/**
 * The telemetry sink for one request: passes the record on to the app's sink, then settles the admission off the
 * response path (`background` keeps the work alive on Workers); a failed settle is logged, never thrown.
 */
export function settlingSink(
  sink: TelemetrySink | undefined,
  admission: ChatAdmission,
  background: (work: Promise<unknown>) => void,
): TelemetrySink {
  const record = (finished: RequestRecord) => {
    sink?.record(finished);
    background(admission.settle(finished));
  };
  if (!sink) return { record };
  // The app's sink may watch more than ends (streams starting, pending batches): everything else goes to it.
  return new Proxy(sink, {
    get(target, property) {
      if (property === 'record') return record;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function definedOnly(defaults: AppDeps['config']['limits']): KeyLimits {
  const limits: KeyLimits = {};
  if (defaults.requestsPerMinute !== undefined) limits.requestsPerMinute = defaults.requestsPerMinute;
  if (defaults.tokensPerMinute !== undefined) limits.tokensPerMinute = defaults.tokensPerMinute;
  if (defaults.concurrentRequests !== undefined) limits.concurrentRequests = defaults.concurrentRequests;
  return limits;
}
