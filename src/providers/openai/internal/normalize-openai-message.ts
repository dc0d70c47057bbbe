/**
 * An assistant `message` (non-stream) or `delta` (stream) from an OpenAI-compatible server, in the canonical shape:
 * - Reasoning text always appears as `reasoning_content` (DeepSeek's name, https://api-docs.deepseek.com/guides/reasoning_model).
 *   Ollama, Groq, OpenRouter and newer vLLM name it `reasoning`; that field is kept and copied to `reasoning_content`.
 * - Mistral's reasoning models answer with `content` as an array of chunks, `{type:"thinking", thinking:[{type:"text",
 *   text}]}` and `{type:"text", text}` (https://docs.mistral.ai/capabilities/reasoning/): text chunks become the
 *   `content` string, thinking chunks `reasoning_content`.
 * Other fields pass unchanged.
 */
export function normalizeOpenAIMessage(source: Record<string, unknown>): Record<string, unknown> {
  const message: Record<string, unknown> = { ...source };
  if (Array.isArray(source.content)) {
    const { text, thinking } = splitContentChunks(source.content);
    message.content = text;
    if (thinking !== undefined) message.reasoning_content = joinText(message.reasoning_content, thinking);
  }
  if (typeof source.reasoning === 'string' && typeof message.reasoning_content !== 'string') {
    message.reasoning_content = source.reasoning;
  }
  return message;
}

function splitContentChunks(chunks: unknown[]): { text: string | null; thinking?: string } {
  let text: string | null = null;
  let thinking: string | undefined;
  for (const chunk of chunks) {
    if (typeof chunk === 'string') {
      text = (text ?? '') + chunk;
      continue;
    }
    if (typeof chunk !== 'object' || chunk === null) continue;
    const part = chunk as Record<string, unknown>;
    if (part.type === 'text' && typeof part.text === 'string') text = (text ?? '') + part.text;
    if (part.type === 'thinking') thinking = (thinking ?? '') + textOf(part.thinking);
  }
  return thinking === undefined ? { text } : { text, thinking };
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  return value
    .map((item) => (typeof item === 'string' ? item : typeof item?.text === 'string' ? item.text : ''))
    .join('');
}

function joinText(existing: unknown, added: string): string {
  return typeof existing === 'string' ? existing + added : added;
}
