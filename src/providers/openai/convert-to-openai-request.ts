import type { ChatRequest } from '../../canonical/index.ts';

/**
 * Canonical → OpenAI request body. The canonical request already is this format, so fields pass unchanged (unknown
 * ones included); a stream always asks for usage so the gateway can account for it.
 */
export function convertToOpenAIRequest(request: ChatRequest): ChatRequest {
  if (!request.stream) return request;
  return { ...request, stream_options: { ...(request.stream_options ?? {}), include_usage: true } };
}
