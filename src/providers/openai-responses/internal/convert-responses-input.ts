import type { AssistantMessage, ChatMessage, ContentPart, TextPart, ToolMessage } from '../../../canonical/index.ts';
import { invalidResponsesField, isRecord } from './invalid-responses-field.ts';

/**
 * Responses `input` items → Chat messages (wire-formats §2.1 table).
 * - A string is one user message; `{role, content}` items (with or without `type: "message"`) keep their role.
 * - `function_call` items join the assistant message just before them (or start one), so an assistant turn with
 *   text and calls stays one Chat message; `function_call_output` becomes a `tool` message matched by `call_id`.
 * - `reasoning` items are dropped: their summaries and `encrypted_content` have no Chat field (§8.8).
 * - `item_reference` and built-in tool items need OpenAI's stored state or tools: 400 (the route forwards them
 *   natively when the upstream is OpenAI).
 */
export function convertResponsesInput(input: unknown): ChatMessage[] {
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  if (!Array.isArray(input)) throw invalidResponsesField('input', "'input' must be a string or an array of items.");
  const messages: ChatMessage[] = [];
  input.forEach((item, index) => {
    const param = `input[${index}]`;
    if (!isRecord(item)) throw invalidResponsesField(param, `'${param}' must be an object.`);
    const type = item.type ?? 'message';
    if (type === 'message') messages.push(convertMessageItem(item, param));
    else if (type === 'function_call') addFunctionCall(messages, item, param);
    else if (type === 'function_call_output') messages.push(convertFunctionCallOutput(item, param));
    else if (type === 'reasoning') return;
    else {
      throw invalidResponsesField(
        param,
        `Input items of type '${String(type)}' need OpenAI's own Responses API; this gateway translates only message, function_call, function_call_output and reasoning items.`,
        'unsupported_value',
      );
    }
  });
  return messages;
}

function convertMessageItem(item: Record<string, unknown>, param: string): ChatMessage {
  const role = item.role;
  const content = item.content;
  if (role === 'user') return { role: 'user', content: convertUserContent(content, param) };
  if (role === 'system' || role === 'developer') return { role, content: convertTextContent(content, param) };
  if (role === 'assistant') {
    const text = convertTextContent(content, param);
    const message: AssistantMessage = { role: 'assistant', content: typeof text === 'string' ? text : joinText(text) };
    const refusal = Array.isArray(content)
      ? content.find((part) => isRecord(part) && part.type === 'refusal' && typeof part.refusal === 'string')
      : undefined;
    if (refusal) message.refusal = refusal.refusal as string;
    return message;
  }
  throw invalidResponsesField(`${param}.role`, `'${param}.role' must be user, assistant, system or developer.`);
}

function convertUserContent(content: unknown, param: string): string | ContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidResponsesField(`${param}.content`, 'content must be a string or parts.');
  return content.map((part, index) => convertUserPart(part, `${param}.content[${index}]`));
}

function convertUserPart(part: unknown, param: string): ContentPart {
  if (!isRecord(part)) throw invalidResponsesField(param, `'${param}' must be an object.`);
  if (part.type === 'input_text' && typeof part.text === 'string') return { type: 'text', text: part.text };
  if (part.type === 'input_image') {
    if (typeof part.image_url !== 'string' || part.image_url === '') {
      throw invalidResponsesField(
        param,
        'Only input_image parts with an image_url (https or data URL) can be translated; file_id needs OpenAI.',
        'unsupported_value',
      );
    }
    const detail = part.detail === 'low' || part.detail === 'high' || part.detail === 'auto' ? part.detail : undefined;
    return { type: 'image_url', image_url: detail ? { url: part.image_url, detail } : { url: part.image_url } };
  }
  if (part.type === 'input_file' && (typeof part.file_data === 'string' || typeof part.file_id === 'string')) {
    const file: { file_id?: string; file_data?: string; filename?: string } = {};
    if (typeof part.file_id === 'string') file.file_id = part.file_id;
    if (typeof part.file_data === 'string') file.file_data = part.file_data;
    if (typeof part.filename === 'string') file.filename = part.filename;
    return { type: 'file', file };
  }
  throw invalidResponsesField(
    param,
    `'${param}' must be an input_text, input_image or input_file part (got '${String(part.type)}').`,
  );
}

/** System, developer and assistant content: text only (`input_text`, `output_text`); refusals are read apart. */
function convertTextContent(content: unknown, param: string): string | TextPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidResponsesField(`${param}.content`, 'content must be a string or parts.');
  const parts: TextPart[] = [];
  content.forEach((part, index) => {
    const partParam = `${param}.content[${index}]`;
    if (!isRecord(part)) throw invalidResponsesField(partParam, `'${partParam}' must be an object.`);
    if ((part.type === 'input_text' || part.type === 'output_text') && typeof part.text === 'string') {
      parts.push({ type: 'text', text: part.text });
    } else if (part.type !== 'refusal') {
      throw invalidResponsesField(partParam, `'${partParam}' must be a text part here (got '${String(part.type)}').`);
    }
  });
  return parts;
}

function joinText(parts: TextPart[]): string | null {
  return parts.length === 0 ? null : parts.map((part) => part.text).join('');
}

function addFunctionCall(messages: ChatMessage[], item: Record<string, unknown>, param: string): void {
  if (typeof item.call_id !== 'string' || typeof item.name !== 'string' || typeof item.arguments !== 'string') {
    throw invalidResponsesField(param, `'${param}' (function_call) needs string call_id, name and arguments.`);
  }
  const call = {
    id: item.call_id,
    type: 'function' as const,
    function: { name: item.name, arguments: item.arguments },
  };
  const last = messages.at(-1);
  if (last?.role === 'assistant') {
    last.tool_calls = [...(last.tool_calls ?? []), call];
    return;
  }
  messages.push({ role: 'assistant', content: null, tool_calls: [call] });
}

function convertFunctionCallOutput(item: Record<string, unknown>, param: string): ToolMessage {
  if (typeof item.call_id !== 'string') {
    throw invalidResponsesField(`${param}.call_id`, `'${param}' (function_call_output) needs a string call_id.`);
  }
  const output = item.output;
  if (typeof output === 'string') return { role: 'tool', tool_call_id: item.call_id, content: output };
  if (Array.isArray(output)) {
    // Chat tool messages hold text only; images or files in a tool result cannot cross (wire-formats §8.8).
    const text = output.map((part, index) => {
      if (isRecord(part) && part.type === 'input_text' && typeof part.text === 'string') return part.text;
      throw invalidResponsesField(
        `${param}.output[${index}]`,
        'Only input_text parts can be translated in a function_call_output (Chat tool results are text).',
        'unsupported_value',
      );
    });
    return { role: 'tool', tool_call_id: item.call_id, content: text.join('') };
  }
  throw invalidResponsesField(`${param}.output`, `'${param}.output' must be a string or a list of input_text parts.`);
}
