import type { FinishReason } from '../../canonical/index.ts';

/**
 * A Gemini `finishReason` → OpenAI finish reason (wire-formats §8.1). Gemini has no tool-call reason: a turn with
 * `functionCall` parts ends with `STOP`, so the caller says whether it saw one. The function-call failures
 * (`MALFORMED_FUNCTION_CALL`, `UNEXPECTED_TOOL_CALL`, `TOO_MANY_TOOL_CALLS`) have no OpenAI meaning and become `stop`,
 * like every other reason the gateway does not know. Undefined (a stream chunk that is not the last) → null.
 * Values: https://ai.google.dev/api/generate-content#FinishReason
 */
export function mapGeminiFinishReason(reason: string | undefined | null, sawToolCall: boolean): FinishReason | null {
  if (reason === undefined || reason === null || reason === '') return null;
  switch (reason) {
    case 'STOP':
      return sawToolCall ? 'tool_calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return 'content_filter';
    default:
      return sawToolCall ? 'tool_calls' : 'stop';
  }
}
