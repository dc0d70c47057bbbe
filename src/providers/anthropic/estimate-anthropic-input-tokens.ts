/** Characters per token of the estimate: the usual rule of thumb for English text and JSON with BPE tokenizers. */
const CHARACTERS_PER_TOKEN = 4;

/**
 * An estimate of a Messages request's input tokens, for `count_tokens` when the model's upstream is not Anthropic
 * (which has no counting endpoint the gateway could call): the characters of `system`, `messages` and `tools` as JSON,
 * divided by four, rounded up. It is an estimate, not the upstream tokenizer's count; images count as their base64.
 */
export function estimateAnthropicInputTokens(body: Record<string, unknown>): number {
  const parts = [body.system, body.messages, body.tools].filter((part) => part !== undefined && part !== null);
  const characters = parts.reduce<number>(
    (total, part) => total + (typeof part === 'string' ? part.length : JSON.stringify(part).length),
    0,
  );
  return Math.ceil(characters / CHARACTERS_PER_TOKEN);
}
