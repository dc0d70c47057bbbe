import type { AssistantMessage, ChatMessage, TextPart, ToolMessage, UserMessage } from '../../../canonical/index.ts';
import type {
  AnthropicMessage,
  AnthropicRequestBlock,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from './anthropic-wire-types.ts';
import { convertAnthropicUserPart, isCacheControl } from './convert-anthropic-user-part.ts';
import { invalidRequest } from './invalid-request.ts';

/**
 * OpenAI messages → Anthropic `system` + `messages` (wire-formats §4.2, §8.3, §8.4):
 * - system/developer messages, wherever they are, become top-level system text blocks in order (a mid-conversation
 *   system message loses its position: Anthropic has nowhere else to put it);
 * - `tool` messages become `tool_result` blocks of a user message;
 * - consecutive messages of one role are merged, because Anthropic wants user and assistant turns to alternate;
 * - message `name` fields are dropped (no equivalent).
 */
export function convertAnthropicMessages(messages: ChatMessage[]): {
  system: AnthropicTextBlock[];
  messages: AnthropicMessage[];
} {
  const system: AnthropicTextBlock[] = [];
  const result: AnthropicMessage[] = [];
  messages.forEach((message, position) => {
    const path = `messages[${position}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(message.content));
        break;
      case 'user':
        append(result, 'user', convertUser(message, path));
        break;
      case 'assistant':
        append(result, 'assistant', convertAssistant(message, path));
        break;
      case 'tool':
        append(result, 'user', [convertToolResult(message)]);
        break;
      default:
        throw invalidRequest(
          `Messages with role '${String((message as { role?: unknown }).role)}' are not supported.`,
          `${path}.role`,
        );
    }
  });
  return { system, messages: result };
}

/**
 * Adds blocks to the conversation, merging into the previous message when the role repeats. Tool results join the
 * run of results at the start of the user message, never after text: Anthropic requires the message after a
 * `tool_use` turn to begin with its `tool_result` blocks (wire-formats §4.2 ordering rule).
 */
function append(messages: AnthropicMessage[], role: 'user' | 'assistant', blocks: AnthropicRequestBlock[]): void {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (!last || last.role !== role) {
    messages.push({ role, content: blocks });
    return;
  }
  const results = blocks.filter((block) => block.type === 'tool_result');
  const others = blocks.filter((block) => block.type !== 'tool_result');
  let leadingResults = 0;
  while (last.content[leadingResults]?.type === 'tool_result') leadingResults++;
  last.content.splice(leadingResults, 0, ...results);
  last.content.push(...others);
}

function convertUser(message: UserMessage, path: string): AnthropicRequestBlock[] {
  if (typeof message.content === 'string') return textBlocks(message.content);
  const blocks: AnthropicRequestBlock[] = [];
  message.content.forEach((part, index) => {
    const block = convertAnthropicUserPart(part, `${path}.content[${index}]`);
    if (block) blocks.push(block);
  });
  return blocks;
}

/**
 * Text (and refusal text) then `tool_use` blocks. `reasoning_content` is not sent back: Anthropic only accepts
 * thinking blocks with the signature it issued, which Chat Completions clients never receive.
 */
function convertAssistant(message: AssistantMessage, path: string): AnthropicRequestBlock[] {
  const blocks: AnthropicRequestBlock[] = [];
  if (typeof message.content === 'string') blocks.push(...textBlocks(message.content));
  else if (Array.isArray(message.content)) {
    for (const part of message.content) {
      const text = part.type === 'refusal' ? part.refusal : part.text;
      if (text) blocks.push({ type: 'text', text });
    }
  }
  (message.tool_calls ?? []).forEach((call, index) => {
    const input = parseArguments(call.function?.arguments, `${path}.tool_calls[${index}].function.arguments`);
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
  });
  return blocks;
}

/** OpenAI arguments are a JSON string, Anthropic `input` an object; an empty string means no arguments. */
function parseArguments(argumentsText: unknown, path: string): Record<string, unknown> {
  if (argumentsText === undefined || (typeof argumentsText === 'string' && argumentsText.trim() === '')) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(argumentsText));
  } catch {
    throw invalidRequest('Tool call arguments must be valid JSON.', path);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('Tool call arguments must be a JSON object.', path);
  }
  return parsed as Record<string, unknown>;
}

function convertToolResult(message: ToolMessage): AnthropicToolResultBlock {
  return {
    type: 'tool_result',
    tool_use_id: message.tool_call_id,
    content: typeof message.content === 'string' ? message.content : textBlocks(message.content),
  };
}

function textBlocks(content: string | TextPart[]): AnthropicTextBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: AnthropicTextBlock[] = [];
  for (const part of content) {
    if (typeof part.text !== 'string' || part.text === '') continue;
    blocks.push(
      isCacheControl(part.cache_control)
        ? { type: 'text', text: part.text, cache_control: part.cache_control }
        : { type: 'text', text: part.text },
    );
  }
  return blocks;
}
