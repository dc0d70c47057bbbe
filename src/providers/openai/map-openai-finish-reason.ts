import type { FinishReason } from '../../canonical/index.ts';

/**
 * Finish reasons from OpenAI-compatible servers, normalised: OpenAI's own values pass; values some servers send
 * (`eos`, `end_turn`, `max_tokens`, `tool_use`, `abort`) map to their OpenAI meaning.
 */
export function mapOpenAIFinishReason(reason: unknown): FinishReason | null {
  if (reason === null || reason === undefined) return null;
  switch (reason) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
    case 'function_call':
      return reason as FinishReason;
    case 'max_tokens':
    case 'model_length':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    default:
      return 'stop';
  }
}
