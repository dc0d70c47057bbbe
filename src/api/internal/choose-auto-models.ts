import type { ChatRequest } from '../../canonical/index.ts';
import type { AutoModel } from '../../config/gateway-config.ts';

/** What a request needs from a model, read from its body. */
export type RequestNeeds = { tools: boolean; vision: boolean; json: boolean; tokens: number };

export function needsOf(request: ChatRequest, expectedTokens: { prompt: number; completion: number }): RequestNeeds {
  const vision = request.messages.some(
    (message) =>
      Array.isArray(message.content) &&
      (message.content as Array<{ type?: unknown }>).some((part) => part.type === 'image_url'),
  );
  const format = (request.response_format as { type?: string } | undefined)?.type;
  return {
    tools: (request.tools?.length ?? 0) > 0,
    vision,
    json: format === 'json_object' || format === 'json_schema',
    tokens: expectedTokens.prompt + expectedTokens.completion,
  };
}

/**
 * The `auto` models that can take this request, in config order, and why the others cannot. A capability not set
 * in config is assumed; a context length not set is not checked.
 */
export function chooseAutoModels(
  models: AutoModel[],
  needs: RequestNeeds,
): { eligible: string[]; skipped: Array<{ model: string; reason: string }> } {
  const eligible: string[] = [];
  const skipped: Array<{ model: string; reason: string }> = [];
  for (const entry of models) {
    const missing: string[] = [];
    if (needs.tools && entry.tools === false) missing.push('takes no tools');
    if (needs.vision && entry.vision === false) missing.push('takes no images');
    if (needs.json && entry.json === false) missing.push('has no JSON mode');
    if (entry.contextLength !== undefined && needs.tokens > entry.contextLength) {
      missing.push(`context ${entry.contextLength} < ${needs.tokens} tokens`);
    }
    if (missing.length === 0) eligible.push(entry.model);
    else skipped.push({ model: entry.model, reason: `auto: ${missing.join(', ')}` });
  }
  return { eligible, skipped };
}
