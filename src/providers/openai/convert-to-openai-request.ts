import type { ChatRequest } from '../../canonical/index.ts';
import { convertToMistralRequest } from './internal/convert-to-mistral-request.ts';
import type { OpenAIDialect } from './internal/detect-openai-dialect.ts';

/**
 * Canonical → OpenAI request body. The canonical request already is this format, so fields pass unchanged (unknown
 * ones included); a stream asks for usage (`stream_options.include_usage`) so the gateway can account for it, except
 * where the server would reject the field (see `OpenAIDialect`). Mistral gets its stricter variant of the format.
 */
export function convertToOpenAIRequest(
  request: ChatRequest,
  dialect: OpenAIDialect = 'openai',
): Record<string, unknown> {
  if (dialect === 'mistral') return convertToMistralRequest(request);
  if (!request.stream || dialect === 'azure-legacy') return request;
  return { ...request, stream_options: { ...(request.stream_options ?? {}), include_usage: true } };
}
