import type { ChatChoice, ChatCompletion, ToolCall } from '../../canonical/index.ts';
import { invalidUpstreamResponse } from '../invalid-upstream-response.ts';
import type { AnthropicUsage } from './internal/anthropic-wire-types.ts';
import { convertAnthropicUsage } from './internal/convert-anthropic-usage.ts';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.ts';

export type AnthropicResponseDefaults = {
  /** Used when the body has no message id. */
  id: string;
  /** Unix seconds; Anthropic responses carry no timestamp. */
  created: number;
  model: string;
  provider: string;
  /** The tool standing in for a `json_schema` response format (see convert-to-anthropic-request.ts). */
  answerToolName?: string;
};

/**
 * An Anthropic Messages response → canonical completion (wire-formats §4.3):
 * - text blocks are joined into `content`; `content` is null when the answer is only tool calls;
 * - `tool_use` blocks become `tool_calls` with the input JSON-stringified;
 * - `thinking` blocks are joined into `reasoning_content`; `redacted_thinking`, signatures, citations and server-tool
 *   blocks have no Chat field and are dropped;
 * - a call of the answer tool (json_schema) becomes the content as JSON text, and the turn finishes with `stop`.
 */
export function convertFromAnthropicResponse(body: unknown, defaults: AnthropicResponseDefaults): ChatCompletion {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Array.isArray(source.content)) {
    throw invalidUpstreamResponse(defaults.provider, 'a response without content');
  }
  let text = '';
  let reasoning = '';
  let answer: string | undefined;
  const toolCalls: ToolCall[] = [];
  for (const block of source.content as Array<Record<string, unknown>>) {
    if (block?.type === 'text' && typeof block.text === 'string') text += block.text;
    else if (block?.type === 'thinking' && typeof block.thinking === 'string') reasoning += block.thinking;
    else if (block?.type === 'tool_use' && typeof block.name === 'string') {
      const argumentsText = JSON.stringify(block.input ?? {});
      if (defaults.answerToolName !== undefined && block.name === defaults.answerToolName) answer = argumentsText;
      else {
        toolCalls.push({
          id: String(block.id),
          type: 'function',
          function: { name: block.name, arguments: argumentsText },
        });
      }
    }
  }
  let finishReason = mapAnthropicFinishReason(source.stop_reason);
  if (answer !== undefined && toolCalls.length === 0 && finishReason === 'tool_calls') finishReason = 'stop';
  const message: ChatChoice['message'] = {
    role: 'assistant',
    // The answer tool's input is the whole answer; text written before the call is not part of the JSON.
    content: answer ?? (text === '' && toolCalls.length > 0 ? null : text),
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== '') message.reasoning_content = reasoning;
  const completion: ChatCompletion = {
    id: typeof source.id === 'string' && source.id !== '' ? source.id : defaults.id,
    object: 'chat.completion',
    created: defaults.created,
    model: typeof source.model === 'string' && source.model !== '' ? source.model : defaults.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason ?? 'stop' }],
  };
  if (typeof source.usage === 'object' && source.usage !== null) {
    completion.usage = convertAnthropicUsage(source.usage as AnthropicUsage);
  }
  return completion;
}
