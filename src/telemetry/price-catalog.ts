import type { CatalogModel } from '../catalog/model-catalog.ts';

/** USD per million tokens. `cachedInput` absent: cached prompt tokens cost the input price. */
export type TokenPrices = { input: number; output: number; cachedInput?: number };

/** A price and where it came from: a config file, a provider's model list, or the built-in table (its URL). */
export type ModelPrice = TokenPrices & { source: string; asOf?: string };

/**
 * A row of the built-in table (`builtInPrices` below). `match` is an exact id or a family prefix: `gpt-4o` prices
 * `gpt-4o-2024-08-06` too (the longest matching prefix wins, so `gpt-4o-mini` is not priced as `gpt-4o`).
 * `provider`, when set, limits the row to the provider with that id (the same open model costs differently on Groq
 * and Cerebras).
 */
export type BuiltInPrice = TokenPrices & { match: string; provider?: string; source: string; asOf: string };

/** Prices from config: per provider (`providers[].prices`) and top-level (`prices:`, by model or `provider/model`). */
export type ConfiguredPrices = {
  global: Record<string, TokenPrices>;
  providers: Record<string, Record<string, TokenPrices>>;
};

/**
 * Where a price comes from, first match wins: the provider's own `prices` in config; the top-level `prices` by
 * `provider/model`, then by model; what the provider's model list said (OpenRouter's `pricing`); the built-in
 * table by exact id, then by family prefix. Ids are also tried without a vendor prefix (`openai/gpt-4o` →
 * `gpt-4o`), so routers that namespace their ids find the vendor's row.
 */
export class PriceCatalog {
  private readonly configured: ConfiguredPrices;
  private readonly builtIn: readonly BuiltInPrice[];
  private readonly discovered: () => readonly CatalogModel[];
  private discoveredFrom: readonly CatalogModel[] | undefined;
  private discoveredIndex = new Map<string, TokenPrices>();
  /** Built-in table answers by provider and model: the table is fixed, and routing, policy and cost ask per request. */
  private readonly tableAnswers = new Map<string, ModelPrice | undefined>();

  constructor(options: {
    configured?: ConfiguredPrices;
    builtIn?: readonly BuiltInPrice[];
    /** The catalog's listing, read on each look-up (its prices change when discovery refreshes). */
    discovered?: () => readonly CatalogModel[];
  }) {
    this.configured = options.configured ?? { global: {}, providers: {} };
    this.builtIn = options.builtIn ?? builtInPrices;
    this.discovered = options.discovered ?? (() => []);
  }

  /** The price of one upstream model at one provider, or undefined when nothing knows it. */
  priceOf(providerId: string, model: string): ModelPrice | undefined {
    const own = this.configured.providers[providerId]?.[model];
    if (own) return { ...own, source: 'config' };
    const global = this.configured.global[`${providerId}/${model}`] ?? this.configured.global[model];
    if (global) return { ...global, source: 'config' };
    const listed = this.discoveredPrices().get(`${providerId}\u0000${model}`);
    if (listed) return { ...listed, source: `${providerId} model list` };
    const key = `${providerId}\u0000${model}`;
    if (this.tableAnswers.has(key)) return this.tableAnswers.get(key);
    const answer = this.fromTable(providerId, model);
    // Bounded: model ids come from the catalog and config, but a client can name unknown ones.
    if (this.tableAnswers.size < 10_000) this.tableAnswers.set(key, answer);
    return answer;
  }

  private fromTable(providerId: string, model: string): ModelPrice | undefined {
    const names = [model.toLowerCase()];
    const slash = model.lastIndexOf('/');
    if (slash > 0) names.push(model.slice(slash + 1).toLowerCase());
    for (const name of names) {
      let best: BuiltInPrice | undefined;
      for (const row of this.builtIn) {
        if (row.provider !== undefined && row.provider !== providerId) continue;
        if (!matchesFamily(name, row.match)) continue;
        const better =
          !best ||
          row.match.length > best.match.length ||
          (row.match.length === best.match.length && row.provider !== undefined);
        if (better) best = row;
      }
      if (best) {
        const { match: _match, provider: _provider, ...price } = best;
        return price;
      }
    }
    return undefined;
  }

  private discoveredPrices(): Map<string, TokenPrices> {
    const listing = this.discovered();
    if (listing !== this.discoveredFrom) {
      this.discoveredFrom = listing;
      this.discoveredIndex = new Map();
      for (const entry of listing) {
        if (entry.pricing) this.discoveredIndex.set(`${entry.providerId}\u0000${entry.upstreamModel}`, entry.pricing);
      }
    }
    return this.discoveredIndex;
  }
}

/** `gpt-4o` matches `gpt-4o` and `gpt-4o-2024-08-06`, `gpt-4o:free`, `gpt-4o@latest`; never `gpt-4o-mini`'s row. */
function matchesFamily(name: string, family: string): boolean {
  if (name === family) return true;
  return name.startsWith(family) && /[-.:@_]/.test(name.charAt(family.length));
}

/**
 * Published list prices of popular models, in USD per million tokens. Data, not code: each row names where it was
 * read and when. Prices change; config (`prices:` or `providers[].prices`) overrides any row.
 */
const openai = 'https://openai.com/api/pricing/';
const anthropic = 'https://www.anthropic.com/pricing#api';
const gemini = 'https://ai.google.dev/gemini-api/docs/pricing';
const groq = 'https://groq.com/pricing/';
const mistral = 'https://mistral.ai/pricing#api-pricing';
const deepseek = 'https://api-docs.deepseek.com/quick_start/pricing';
const xai = 'https://docs.x.ai/docs/models';
const cerebras = 'https://www.cerebras.ai/pricing';

export const builtInPrices: readonly BuiltInPrice[] = [
  // OpenAI
  { match: 'gpt-5', input: 1.25, output: 10, cachedInput: 0.125, source: openai, asOf: '2025-08-07' },
  { match: 'gpt-5-mini', input: 0.25, output: 2, cachedInput: 0.025, source: openai, asOf: '2025-08-07' },
  { match: 'gpt-5-nano', input: 0.05, output: 0.4, cachedInput: 0.005, source: openai, asOf: '2025-08-07' },
  { match: 'gpt-4.1', input: 2, output: 8, cachedInput: 0.5, source: openai, asOf: '2025-04-14' },
  { match: 'gpt-4.1-mini', input: 0.4, output: 1.6, cachedInput: 0.1, source: openai, asOf: '2025-04-14' },
  { match: 'gpt-4.1-nano', input: 0.1, output: 0.4, cachedInput: 0.025, source: openai, asOf: '2025-04-14' },
  { match: 'gpt-4o', input: 2.5, output: 10, cachedInput: 1.25, source: openai, asOf: '2025-06-01' },
  { match: 'gpt-4o-mini', input: 0.15, output: 0.6, cachedInput: 0.075, source: openai, asOf: '2025-06-01' },
  { match: 'gpt-4-turbo', input: 10, output: 30, source: openai, asOf: '2025-06-01' },
  { match: 'gpt-3.5-turbo', input: 0.5, output: 1.5, source: openai, asOf: '2025-06-01' },
  { match: 'o1', input: 15, output: 60, cachedInput: 7.5, source: openai, asOf: '2025-06-01' },
  { match: 'o3', input: 2, output: 8, cachedInput: 0.5, source: openai, asOf: '2025-06-10' },
  { match: 'o3-mini', input: 1.1, output: 4.4, cachedInput: 0.55, source: openai, asOf: '2025-06-01' },
  { match: 'o4-mini', input: 1.1, output: 4.4, cachedInput: 0.275, source: openai, asOf: '2025-06-01' },
  { match: 'gpt-oss-120b', input: 0.15, output: 0.75, source: groq, asOf: '2025-08-05' },
  { match: 'gpt-oss-20b', input: 0.1, output: 0.5, source: groq, asOf: '2025-08-05' },
  { match: 'text-embedding-3-small', input: 0.02, output: 0, source: openai, asOf: '2025-06-01' },
  { match: 'text-embedding-3-large', input: 0.13, output: 0, source: openai, asOf: '2025-06-01' },
  { match: 'text-embedding-ada-002', input: 0.1, output: 0, source: openai, asOf: '2025-06-01' },
  // Anthropic (cache reads are a tenth of the input price)
  { match: 'claude-opus-4', input: 15, output: 75, cachedInput: 1.5, source: anthropic, asOf: '2025-08-05' },
  { match: 'claude-sonnet-4', input: 3, output: 15, cachedInput: 0.3, source: anthropic, asOf: '2025-08-05' },
  { match: 'claude-haiku-4', input: 1, output: 5, cachedInput: 0.1, source: anthropic, asOf: '2025-10-15' },
  { match: 'claude-3-7-sonnet', input: 3, output: 15, cachedInput: 0.3, source: anthropic, asOf: '2025-06-01' },
  { match: 'claude-3-5-sonnet', input: 3, output: 15, cachedInput: 0.3, source: anthropic, asOf: '2025-06-01' },
  { match: 'claude-3-5-haiku', input: 0.8, output: 4, cachedInput: 0.08, source: anthropic, asOf: '2025-06-01' },
  { match: 'claude-3-haiku', input: 0.25, output: 1.25, cachedInput: 0.03, source: anthropic, asOf: '2025-06-01' },
  { match: 'claude-3-opus', input: 15, output: 75, cachedInput: 1.5, source: anthropic, asOf: '2025-06-01' },
  // Google Gemini (prompts up to 200k tokens where the price is tiered)
  { match: 'gemini-2.5-pro', input: 1.25, output: 10, cachedInput: 0.31, source: gemini, asOf: '2025-07-01' },
  { match: 'gemini-2.5-flash', input: 0.3, output: 2.5, cachedInput: 0.075, source: gemini, asOf: '2025-07-01' },
  { match: 'gemini-2.5-flash-lite', input: 0.1, output: 0.4, cachedInput: 0.025, source: gemini, asOf: '2025-07-22' },
  { match: 'gemini-2.0-flash', input: 0.1, output: 0.4, cachedInput: 0.025, source: gemini, asOf: '2025-06-01' },
  { match: 'gemini-2.0-flash-lite', input: 0.075, output: 0.3, source: gemini, asOf: '2025-06-01' },
  { match: 'gemini-1.5-pro', input: 1.25, output: 5, source: gemini, asOf: '2025-06-01' },
  { match: 'gemini-1.5-flash', input: 0.075, output: 0.3, source: gemini, asOf: '2025-06-01' },
  // Groq
  { match: 'llama-3.3-70b-versatile', input: 0.59, output: 0.79, source: groq, asOf: '2025-06-01' },
  { match: 'llama-3.1-8b-instant', input: 0.05, output: 0.08, source: groq, asOf: '2025-06-01' },
  { match: 'meta-llama/llama-4-scout', input: 0.11, output: 0.34, source: groq, asOf: '2025-06-01' },
  { match: 'meta-llama/llama-4-maverick', input: 0.2, output: 0.6, source: groq, asOf: '2025-06-01' },
  { match: 'qwen/qwen3-32b', input: 0.29, output: 0.59, source: groq, asOf: '2025-06-01' },
  { match: 'gemma2-9b-it', input: 0.2, output: 0.2, source: groq, asOf: '2025-06-01' },
  // Cerebras
  { match: 'llama-3.3-70b', provider: 'cerebras', input: 0.85, output: 1.2, source: cerebras, asOf: '2025-06-01' },
  { match: 'llama3.1-8b', provider: 'cerebras', input: 0.1, output: 0.1, source: cerebras, asOf: '2025-06-01' },
  // Mistral
  { match: 'mistral-large', input: 2, output: 6, source: mistral, asOf: '2025-06-01' },
  { match: 'mistral-medium', input: 0.4, output: 2, source: mistral, asOf: '2025-06-01' },
  { match: 'mistral-small', input: 0.1, output: 0.3, source: mistral, asOf: '2025-06-01' },
  { match: 'codestral', input: 0.3, output: 0.9, source: mistral, asOf: '2025-06-01' },
  { match: 'ministral-8b', input: 0.1, output: 0.1, source: mistral, asOf: '2025-06-01' },
  { match: 'ministral-3b', input: 0.04, output: 0.04, source: mistral, asOf: '2025-06-01' },
  { match: 'open-mistral-nemo', input: 0.15, output: 0.15, source: mistral, asOf: '2025-06-01' },
  { match: 'pixtral-large', input: 2, output: 6, source: mistral, asOf: '2025-06-01' },
  // DeepSeek (cache hits at the cached rate)
  { match: 'deepseek-chat', input: 0.27, output: 1.1, cachedInput: 0.07, source: deepseek, asOf: '2025-06-01' },
  { match: 'deepseek-reasoner', input: 0.55, output: 2.19, cachedInput: 0.14, source: deepseek, asOf: '2025-06-01' },
  // xAI
  { match: 'grok-4', input: 3, output: 15, cachedInput: 0.75, source: xai, asOf: '2025-07-10' },
  { match: 'grok-3', input: 3, output: 15, cachedInput: 0.75, source: xai, asOf: '2025-06-01' },
  { match: 'grok-3-mini', input: 0.3, output: 0.5, cachedInput: 0.075, source: xai, asOf: '2025-06-01' },
];

const catalogs = new WeakMap<object, PriceCatalog>();

/**
 * The price catalog of a running gateway (one per config, so a reload picks up new prices): config prices, then the
 * catalog's discovered prices, then the built-in table.
 */
export function priceCatalogFor(deps: {
  config: { prices: ConfiguredPrices };
  catalog: { models(): readonly CatalogModel[] };
}): PriceCatalog {
  let prices = catalogs.get(deps.config);
  if (!prices) {
    const catalog = deps.catalog;
    prices = new PriceCatalog({ configured: deps.config.prices, discovered: () => catalog.models() });
    catalogs.set(deps.config, prices);
  }
  return prices;
}
