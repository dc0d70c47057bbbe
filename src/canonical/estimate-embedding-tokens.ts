import type { EmbeddingsInput } from './embeddings-request.ts';

/**
 * Tokens an embeddings input holds, for upstreams that report none (Gemini's embed methods return only vectors):
 * token-id input is counted exactly; text is estimated at one token per four characters (at least one per text),
 * the usual rule of thumb for English with BPE tokenizers. Responses built on it say so (`usageEstimated`).
 */
export function estimateEmbeddingTokens(input: EmbeddingsInput): number {
  if (typeof input === 'string') return textTokens(input);
  let total = 0;
  for (const item of input) {
    if (typeof item === 'string') total += textTokens(item);
    else if (typeof item === 'number') total += 1;
    else total += item.length;
  }
  return total;
}

function textTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}
