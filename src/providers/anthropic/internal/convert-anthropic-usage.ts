import type { Usage } from '../../../canonical/index.ts';
import type { AnthropicUsage } from './anthropic-wire-types.ts';

/**
 * Anthropic usage → OpenAI usage. Anthropic's `input_tokens` excludes cache reads and writes, OpenAI's
 * `prompt_tokens` includes them, so the prompt is the sum of the three (wire-formats §4.3, §8.2).
 */
export function convertAnthropicUsage(usage: AnthropicUsage): Usage {
  const input = count(usage.input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  const cacheRead = count(usage.cache_read_input_tokens);
  const promptTokens = input + cacheWrite + cacheRead;
  const completionTokens = count(usage.output_tokens);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
