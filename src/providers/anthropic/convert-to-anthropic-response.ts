import type { ChatCompletion } from '../../canonical/index.ts';
import { type AnthropicOutputUsage, convertToAnthropicUsage } from './internal/convert-to-anthropic-usage.ts';
import { type AnthropicStopReason, mapToAnthropicStopReason } from './map-to-anthropic-stop-reason.ts';

export type AnthropicResponseBlock =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export type AnthropicMessageResponse = {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: null;
  usage: AnthropicOutputUsage;
};

/**
 * A canonical completion → an Anthropic Messages response (wire-formats §4.3), for the inbound `/v1/messages`:
 * `reasoning_content` → a `thinking` block (empty `signature`: only Anthropic can sign), then the text (a refusal is
 * text with `stop_reason: "refusal"`), then one `tool_use` block per tool call with the arguments parsed into `input`
 * (arguments that are not a JSON object become `{}`). The id is the caller's `msg_…`: Anthropic clients expect it.
 */
export function convertToAnthropicResponse(
  completion: ChatCompletion,
  defaults: { id: string; model: string },
): AnthropicMessageResponse {
  const choice = completion.choices[0];
  const message = choice?.message;
  const content: AnthropicResponseBlock[] = [];
  if (typeof message?.reasoning_content === 'string' && message.reasoning_content !== '') {
    content.push({ type: 'thinking', thinking: message.reasoning_content, signature: '' });
  }
  const text = typeof message?.content === 'string' ? message.content : '';
  const refusal = typeof message?.refusal === 'string' && message.refusal !== '' ? message.refusal : undefined;
  if (text !== '') content.push({ type: 'text', text });
  if (refusal !== undefined) content.push({ type: 'text', text: refusal });
  for (const call of message?.tool_calls ?? []) {
    content.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseInput(call.function.arguments),
    });
  }
  const hasToolCalls = (message?.tool_calls?.length ?? 0) > 0;
  return {
    id: defaults.id,
    type: 'message',
    role: 'assistant',
    model: completion.model || defaults.model,
    content,
    stop_reason: refusal !== undefined ? 'refusal' : mapToAnthropicStopReason(choice?.finish_reason, hasToolCalls),
    stop_sequence: null,
    usage: convertToAnthropicUsage(completion.usage),
  };
}

/** OpenAI arguments are a JSON string, Anthropic `input` an object (wire-formats §8.3). */
export function parseInput(argumentsText: string | undefined): Record<string, unknown> {
  if (!argumentsText || argumentsText.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(argumentsText);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
