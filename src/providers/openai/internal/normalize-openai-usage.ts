import type { Usage } from '../../../canonical/index.ts';

/**
 * A usage object as OpenAI-compatible servers send it → canonical usage, or undefined when it has no token counts.
 * - DeepSeek reports cache reads as `prompt_cache_hit_tokens` (https://api-docs.deepseek.com/guides/kv_cache); they
 *   become `prompt_tokens_details.cached_tokens` when the server did not fill that in itself.
 * - `total_tokens` is computed when a server leaves it out.
 * Unknown fields (Groq's timings, OpenRouter's `cost`, …) are kept.
 */
export function normalizeOpenAIUsage(raw: unknown): Usage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const source = raw as Record<string, unknown>;
  const prompt = numberOrUndefined(source.prompt_tokens);
  const completion = numberOrUndefined(source.completion_tokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const usage: Usage = {
    ...source,
    prompt_tokens: prompt ?? 0,
    completion_tokens: completion ?? 0,
    total_tokens: numberOrUndefined(source.total_tokens) ?? (prompt ?? 0) + (completion ?? 0),
  };
  const cacheHits = numberOrUndefined(source.prompt_cache_hit_tokens);
  const details = isRecord(source.prompt_tokens_details) ? source.prompt_tokens_details : undefined;
  if (cacheHits !== undefined && numberOrUndefined(details?.cached_tokens) === undefined) {
    usage.prompt_tokens_details = { ...details, cached_tokens: cacheHits };
  }
  return usage;
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
