import type { FinishReason } from '../../canonical/index.ts';

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal';

/**
 * OpenAI `finish_reason` → Anthropic `stop_reason` (wire-formats §8.1, reverse direction): stop → end_turn,
 * length → max_tokens, tool_calls (and the legacy function_call) → tool_use, content_filter → refusal. OpenAI does not
 * say which stop string matched, so `stop_sequence` cannot be rebuilt; a turn that produced tool calls is `tool_use`
 * whatever the upstream said (some servers finish such turns with `stop`).
 */
export function mapToAnthropicStopReason(
  reason: FinishReason | string | null | undefined,
  hasToolCalls = false,
): AnthropicStopReason {
  if (reason === 'length') return 'max_tokens';
  if (reason === 'content_filter') return 'refusal';
  if (reason === 'tool_calls' || reason === 'function_call' || hasToolCalls) return 'tool_use';
  return 'end_turn';
}
