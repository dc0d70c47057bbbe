import type { Usage } from '../canonical/index.ts';
import type { TokenPrices } from './price-catalog.ts';

/**
 * The cost in USD of one answer from its final usage: prompt tokens read from the provider's cache at the cached
 * rate (the input rate when the price has none), the other prompt tokens at the input rate, completion tokens
 * (reasoning included, as OpenAI counts them) at the output rate. Rounded to a billionth of a dollar so sums of
 * many small requests stay exact enough and headers stay short.
 */
export function computeCost(usage: Usage, price: TokenPrices): number {
  const prompt = Math.max(0, usage.prompt_tokens);
  const cached = Math.min(prompt, Math.max(0, usage.prompt_tokens_details?.cached_tokens ?? 0));
  const cost =
    ((prompt - cached) * price.input +
      cached * (price.cachedInput ?? price.input) +
      Math.max(0, usage.completion_tokens) * price.output) /
    1_000_000;
  return Math.round(cost * 1e9) / 1e9;
}

/** What a request is expected to cost before it runs: the prompt estimate and the completion budget. */
export function estimateCost(tokens: { prompt: number; completion: number }, price: TokenPrices): number {
  return (tokens.prompt * price.input + tokens.completion * price.output) / 1_000_000;
}
