/**
 * A rough token count for text when an upstream gave no usage: about four characters per token for English-like
 * text, rounded up. Records say `usageSource: "estimated"` when this was used.
 */
export function estimateTokens(characters: number): number {
  return Math.ceil(characters / 4);
}
