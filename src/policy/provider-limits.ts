import type { ChatCompletionChunk, ChatRequest, Usage } from '../canonical/index.ts';
import { GatewayError } from '../canonical/index.ts';
import type { Candidate } from '../catalog/model-catalog.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { ProviderAdapter } from '../providers/provider-adapter.ts';
import type { CounterStore } from '../state/counter-store.ts';
import { estimateChatTokens } from './estimate-chat-tokens.ts';
import { RateLimiter, type RateReservation } from './rate-limiter.ts';

/**
 * Per-provider limits (`providers[].limits`), to stay under an upstream's own quotas. The candidate's adapter is
 * wrapped so each chat call reserves a request and its estimated tokens in the provider's minute window first. At the
 * limit the call fails as the upstream itself would, with a retryable 429 whose retry-after is the end of the
 * window: the attempt loop moves on to the next candidate and the health model parks the provider until then, so
 * later requests skip it like any parked provider. Tokens are settled to the real usage when the answer (or the
 * stream) ends.
 */
function withProviderLimits(candidate: Candidate, config: GatewayConfig, limiter: RateLimiter): Candidate {
  const limits = config.limits.providers[candidate.provider.id];
  if (!limits) return candidate;
  const inner = candidate.adapter;
  const chatCompletion: ProviderAdapter['chatCompletion'] = async (provider, request, context) => {
    const reservation = await reserve(limiter, provider.id, limits, request, config.limits.defaultMaxTokens);
    let result: Awaited<ReturnType<ProviderAdapter['chatCompletion']>>;
    try {
      result = await inner.chatCompletion.call(inner, provider, request, context);
    } catch (error) {
      await reservation.release();
      throw error;
    }
    if (!result.stream) {
      void reservation.settle(result.response.usage?.total_tokens ?? 0).catch(() => undefined);
      return result;
    }
    return { ...result, chunks: settleAtEnd(result.chunks, reservation) };
  };
  // Everything else (model lists, embeddings, native pass-through) goes to the adapter itself, bound to it once.
  const bound = new WeakMap<object, unknown>();
  const adapter = new Proxy(inner, {
    get(target, property) {
      if (property === 'chatCompletion') return chatCompletion;
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(value);
      if (method === undefined) {
        method = value.bind(target);
        bound.set(value, method);
      }
      return method;
    },
  });
  return { ...candidate, adapter };
}

async function reserve(
  limiter: RateLimiter,
  providerId: string,
  limits: { requestsPerMinute?: number; tokensPerMinute?: number },
  request: ChatRequest,
  defaultMaxTokens: number,
): Promise<RateReservation> {
  try {
    return await limiter.reserve(`provider:${providerId}`, limits, estimateChatTokens(request, defaultMaxTokens));
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    throw new GatewayError({
      status: 429,
      type: 'rate_limit_error',
      code: 'provider_limit_reached',
      message: `Provider '${providerId}' is at its configured limit: ${error.message}`,
      provider: providerId,
      isRetryable: true,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  }
}

/** Passes the chunks through and settles the reservation with the last usage seen when the stream ends. */
function settleAtEnd(
  chunks: ReadableStream<ChatCompletionChunk>,
  reservation: RateReservation,
): ReadableStream<ChatCompletionChunk> {
  const reader = chunks.getReader();
  let usage: Usage | undefined;
  const settle = () => {
    void reservation.settle(usage?.total_tokens ?? 0).catch(() => undefined);
  };
  return new ReadableStream<ChatCompletionChunk>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          settle();
          controller.close();
          return;
        }
        if (value.usage) usage = value.usage;
        controller.enqueue(value);
      } catch (error) {
        settle();
        controller.error(error);
      }
    },
    async cancel(reason) {
      settle();
      await reader.cancel(reason);
    },
  });
}

/** A config's wrapped adapters over one counter store and clock: built once, not on every request. */
type Wrapping = {
  now: () => number;
  limiter: RateLimiter;
  /** By the adapter wrapped, then the provider id: the candidates of a provider share its quota. */
  adapters: WeakMap<ProviderAdapter, Map<string, ProviderAdapter>>;
};
const wrappings = new WeakMap<GatewayConfig, WeakMap<CounterStore, Wrapping>>();

/** `withProviderLimits` for every candidate (those of providers without `limits` come back unchanged). */
export function applyProviderLimits(
  deps: { config: GatewayConfig; stores: { counters: CounterStore }; now: () => number },
  candidates: Candidate[],
): Candidate[] {
  if (Object.keys(deps.config.limits.providers).length === 0) return candidates;
  const wrapping = wrappingFor(deps);
  return candidates.map((candidate) => {
    if (!deps.config.limits.providers[candidate.provider.id]) return candidate;
    let byProvider = wrapping.adapters.get(candidate.adapter);
    if (!byProvider) {
      byProvider = new Map();
      wrapping.adapters.set(candidate.adapter, byProvider);
    }
    let adapter = byProvider.get(candidate.provider.id);
    if (!adapter) {
      adapter = withProviderLimits(candidate, deps.config, wrapping.limiter).adapter;
      byProvider.set(candidate.provider.id, adapter);
    }
    return { ...candidate, adapter };
  });
}

function wrappingFor(deps: { config: GatewayConfig; stores: { counters: CounterStore }; now: () => number }): Wrapping {
  let byStore = wrappings.get(deps.config);
  if (!byStore) {
    byStore = new WeakMap();
    wrappings.set(deps.config, byStore);
  }
  let wrapping = byStore.get(deps.stores.counters);
  if (!wrapping || wrapping.now !== deps.now) {
    wrapping = { now: deps.now, limiter: new RateLimiter(deps.stores.counters, deps.now), adapters: new WeakMap() };
    byStore.set(deps.stores.counters, wrapping);
  }
  return wrapping;
}
