/**
 * OpenAI usage. `prompt_tokens` includes cached tokens and `completion_tokens` includes reasoning tokens
 * (wire-formats §1.5, §8.2).
 */
export type Usage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number; [key: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [key: string]: unknown };
  [key: string]: unknown;
};
