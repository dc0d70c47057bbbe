import type { FinishReason } from '../../canonical/index.ts';

/**
 * Anthropic `stop_reason` → OpenAI `finish_reason` (wire-formats §8.1). `pause_turn` (a paused server-tool turn) is
 * reported as `stop`, the nearest meaning; unknown future values are `stop` too rather than an error.
 */
export function mapAnthropicFinishReason(reason: unknown): FinishReason | null {
  switch (reason) {
    case null:
    case undefined:
      return null;
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}
