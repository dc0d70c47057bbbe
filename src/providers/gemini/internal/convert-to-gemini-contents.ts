import type { AssistantMessage, ChatMessage, TextPart, ToolMessage } from '../../../canonical/index.ts';
import { GatewayError } from '../../../canonical/index.ts';
import { convertToGeminiMediaPart } from './convert-to-gemini-media-part.ts';
import type { GeminiContent, GeminiPart } from './gemini-wire-types.ts';

/**
 * Google's documented stand-in for a thought signature the caller no longer has: Gemini 3 rejects a replayed
 * `functionCall` part without one (https://ai.google.dev/gemini-api/docs/thought-signatures). OpenAI clients never
 * hold Gemini's signatures, so replayed calls carry this value instead.
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

export type GeminiConversation = { systemParts: GeminiPart[]; contents: GeminiContent[] };

/**
 * Chat messages → Gemini `systemInstruction` parts and `contents` (wire-formats §5.2, §8.3, §8.4).
 * - Every system/developer message, wherever it stands, goes to `systemInstruction` (Gemini has no other place).
 * - Roles become `user` / `model`, and consecutive contents of one role are merged (Gemini wants turns to alternate).
 * - Each run of `tool` messages becomes one `user` content of `functionResponse` parts, in the order of the calls of
 *   the assistant turn they answer; the function name comes from that turn, since Gemini keys results by name.
 * - `signReplayedCalls` puts the skip signature on the first call of each assistant turn (Gemini 3 needs it).
 */
export function convertToGeminiContents(messages: ChatMessage[], signReplayedCalls: boolean): GeminiConversation {
  const systemParts: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const callNames = new Map<string, string>();
  let callOrder: string[] = [];

  const push = (role: 'user' | 'model', parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  for (let position = 0; position < messages.length; position++) {
    const message = messages[position];
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content);
        if (text !== '') systemParts.push({ text });
        break;
      }
      case 'user': {
        if (typeof message.content === 'string') {
          push('user', [{ text: message.content }]);
        } else {
          push(
            'user',
            message.content.map((part) =>
              part.type === 'text' ? { text: part.text } : convertToGeminiMediaPart(part),
            ),
          );
        }
        break;
      }
      case 'assistant': {
        callOrder = (message.tool_calls ?? []).map((call) => call.id);
        for (const call of message.tool_calls ?? []) callNames.set(call.id, call.function.name);
        push('model', assistantParts(message, signReplayedCalls));
        break;
      }
      case 'tool': {
        const run: ToolMessage[] = [];
        while (position < messages.length && messages[position].role === 'tool') {
          run.push(messages[position] as ToolMessage);
          position++;
        }
        position--;
        push('user', functionResponseParts(run, callOrder, callNames));
        break;
      }
      default:
        throw invalidMessages(`Unknown message role '${String((message as { role?: unknown }).role)}'.`);
    }
  }
  return { systemParts, contents };
}

/** Text first, then the calls; reasoning text is not sent back (Gemini only takes its own thoughts, with signatures). */
function assistantParts(message: AssistantMessage, signReplayedCalls: boolean): GeminiPart[] {
  const parts: GeminiPart[] = [];
  const text =
    typeof message.content === 'string'
      ? message.content
      : Array.isArray(message.content)
        ? message.content.map((part) => (part.type === 'text' ? part.text : part.refusal)).join('')
        : '';
  if (text !== '') parts.push({ text });
  (message.tool_calls ?? []).forEach((call, index) => {
    const part: GeminiPart = {
      functionCall: { name: call.function.name, args: parseArguments(call.function.arguments) },
    };
    if (signReplayedCalls && index === 0) part.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
    parts.push(part);
  });
  return parts;
}

function functionResponseParts(run: ToolMessage[], callOrder: string[], callNames: Map<string, string>): GeminiPart[] {
  const rank = (message: ToolMessage) => {
    const index = callOrder.indexOf(message.tool_call_id);
    return index === -1 ? Number.MAX_SAFE_INTEGER : index;
  };
  return [...run]
    .sort((left, right) => rank(left) - rank(right))
    .map((message) => {
      const name = callNames.get(message.tool_call_id);
      if (name === undefined) {
        throw invalidMessages(
          `Tool message with tool_call_id '${message.tool_call_id}' does not answer a tool call of an earlier assistant message.`,
        );
      }
      return { functionResponse: { name, response: toResponseObject(textOf(message.content)) } };
    });
}

/** Gemini wants an object: JSON object text is passed as that object, anything else is wrapped as `{content}`. */
function toResponseObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Not JSON: wrapped below.
  }
  return { content: text };
}

function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidMessages(`Tool call arguments must be JSON object text; got ${text.slice(0, 60)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidMessages('Tool call arguments must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function textOf(content: string | TextPart[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function invalidMessages(message: string): GatewayError {
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_messages',
    param: 'messages',
    message,
  });
}
