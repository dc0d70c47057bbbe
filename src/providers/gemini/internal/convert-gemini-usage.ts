import type { Usage } from '../../../canonical/index.ts';
import type { GeminiUsageMetadata } from './gemini-wire-types.ts';

/**
 * `usageMetadata` → OpenAI usage (wire-formats §8.2). `promptTokenCount` already includes cached tokens;
 * `candidatesTokenCount` excludes thoughts, which OpenAI counts as completion tokens. `totalTokenCount` is kept as
 * Gemini sent it (it also counts `toolUsePromptTokenCount`, which OpenAI has no field for).
 */
export function convertGeminiUsage(metadata: GeminiUsageMetadata): Usage {
  const promptTokens = metadata.promptTokenCount ?? 0;
  const reasoningTokens = metadata.thoughtsTokenCount ?? 0;
  const completionTokens = (metadata.candidatesTokenCount ?? 0) + reasoningTokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: metadata.totalTokenCount ?? promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: metadata.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}
