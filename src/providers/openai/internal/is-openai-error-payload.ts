/** OpenAI's `{"error":{…}}` (also OpenRouter's, which adds a `choices` entry) and vLLM's `{"object":"error",…}`. */
export function isOpenAIErrorPayload(payload: Record<string, unknown>): boolean {
  return (payload.error !== undefined && payload.error !== null) || payload.object === 'error';
}
