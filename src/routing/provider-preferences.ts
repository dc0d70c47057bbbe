import { GatewayError } from '../canonical/index.ts';

/**
 * Per-request routing preferences: the body's `provider` object, or `x-switchboard-provider-*` headers for clients
 * that cannot change the body (a body field wins over its header). Provider ids compare case-insensitively.
 */
export type ProviderPreferences = {
  /** Providers to try first, in this order; the others follow unless `allowFallbacks` is false. */
  order?: string[];
  /** Only these providers. */
  only?: string[];
  /** Never these providers. */
  ignore?: string[];
  /** Overrides the strategy: price → cheapest, latency → least-latency, throughput → most tokens per second. */
  sort?: 'price' | 'latency' | 'throughput';
  /** False: only the first candidate (or the providers of `order`), no other provider, no fallback model. */
  allowFallbacks?: boolean;
  /** USD per million tokens; providers above it, or whose price is unknown, are left out. */
  maxPrice?: { prompt?: number; completion?: number };
};

const sorts = ['price', 'latency', 'throughput'] as const;
const bodyFields = new Set(['order', 'only', 'ignore', 'sort', 'allow_fallbacks', 'max_price']);

/** Reads and validates the preferences; a 400 that names the field or header on anything invalid. */
export function readProviderPreferences(body: unknown, headers: Headers): ProviderPreferences | undefined {
  const preferences: ProviderPreferences = {};
  const list = (header: string) => {
    const value = headers.get(header);
    if (value === null) return undefined;
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    if (items.length === 0) invalid(header, 'must list provider ids separated by commas');
    return items;
  };
  const order = list('x-switchboard-provider-order');
  const only = list('x-switchboard-provider-only');
  const ignore = list('x-switchboard-provider-ignore');
  if (order) preferences.order = order;
  if (only) preferences.only = only;
  if (ignore) preferences.ignore = ignore;
  const sort = headers.get('x-switchboard-provider-sort');
  if (sort !== null) preferences.sort = sortOf(sort.trim(), 'x-switchboard-provider-sort');
  const fallbacks = headers.get('x-switchboard-provider-allow-fallbacks');
  if (fallbacks !== null) {
    if (fallbacks !== 'true' && fallbacks !== 'false')
      invalid('x-switchboard-provider-allow-fallbacks', 'must be true or false');
    preferences.allowFallbacks = fallbacks === 'true';
  }
  const maxPrice = headers.get('x-switchboard-provider-max-price');
  if (maxPrice !== null) preferences.maxPrice = maxPriceFromHeader(maxPrice);
  if (body !== undefined && body !== null) Object.assign(preferences, fromBody(body));
  return Object.keys(preferences).length > 0 ? preferences : undefined;
}

function fromBody(body: unknown): ProviderPreferences {
  if (typeof body !== 'object' || Array.isArray(body)) invalid('provider', 'must be an object');
  const source = body as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    if (!bodyFields.has(key))
      invalid(`provider.${key}`, `is not a known preference (use ${[...bodyFields].join(', ')})`);
  }
  const preferences: ProviderPreferences = {};
  for (const key of ['order', 'only', 'ignore'] as const) {
    const value = source[key];
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
      invalid(`provider.${key}`, 'must be an array of provider ids');
    }
    preferences[key] = value as string[];
  }
  if (source.sort !== undefined) preferences.sort = sortOf(source.sort, 'provider.sort');
  if (source.allow_fallbacks !== undefined) {
    if (typeof source.allow_fallbacks !== 'boolean') invalid('provider.allow_fallbacks', 'must be true or false');
    preferences.allowFallbacks = source.allow_fallbacks;
  }
  if (source.max_price !== undefined) {
    const price = source.max_price;
    if (typeof price !== 'object' || price === null || Array.isArray(price)) {
      invalid('provider.max_price', 'must be an object { prompt, completion } in USD per million tokens');
    }
    const maxPrice: NonNullable<ProviderPreferences['maxPrice']> = {};
    for (const [key, value] of Object.entries(price as Record<string, unknown>)) {
      if (key !== 'prompt' && key !== 'completion') invalid(`provider.max_price.${key}`, 'use prompt or completion');
      if (typeof value !== 'number' || !(value >= 0)) invalid(`provider.max_price.${key}`, 'must be a number ≥ 0');
      maxPrice[key] = value;
    }
    preferences.maxPrice = maxPrice;
  }
  return preferences;
}

function sortOf(value: unknown, field: string): ProviderPreferences['sort'] {
  if (!sorts.includes(value as (typeof sorts)[number])) invalid(field, `must be one of ${sorts.join(', ')}`);
  return value as ProviderPreferences['sort'];
}

/** `prompt=1.5,completion=6` (USD per million tokens). */
function maxPriceFromHeader(value: string): NonNullable<ProviderPreferences['maxPrice']> {
  const header = 'x-switchboard-provider-max-price';
  const price: NonNullable<ProviderPreferences['maxPrice']> = {};
  for (const part of value.split(',')) {
    const [key, amount] = part.split('=').map((item) => item.trim());
    const number = Number(amount);
    if ((key !== 'prompt' && key !== 'completion') || amount === undefined || amount === '' || !(number >= 0)) {
      invalid(header, 'must look like prompt=1.5,completion=6 (USD per million tokens)');
    }
    price[key] = number;
  }
  return price;
}

function invalid(field: string, problem: string): never {
  throw new GatewayError({
    status: 400,
    code: 'invalid_value',
    param: field,
    message: `Invalid ${field.startsWith('x-') ? 'header' : 'field'} '${field}': ${problem}.`,
    isRetryable: false,
  });
}
