import type { Usage } from '../../../canonical/index.ts';

export type AnthropicOutputUsage = {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
};

/**
 * OpenAI usage → Anthropic usage, the inverse of `convertAnthropicUsage`: Anthropic's `input_tokens` excludes cache
 * reads and writes while OpenAI's `prompt_tokens` includes them (wire-formats §4.3, §8.2), so both are subtracted.
 */
export function convertToAnthropicUsage(usage: Usage | null | undefined): AnthropicOutputUsage {
  const prompt = count(usage?.prompt_tokens);
  const cacheRead = count(usage?.prompt_tokens_details?.cached_tokens);
  const cacheWrite = count(usage?.prompt_tokens_details?.cache_write_tokens);
  return {
    input_tokens: Math.max(0, prompt - cacheRead - cacheWrite),
    output_tokens: count(usage?.completion_tokens),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}
