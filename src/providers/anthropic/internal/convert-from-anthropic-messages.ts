import type { ChatMessage, ContentPart, ToolCall } from '../../../canonical/index.ts';
import { invalidAnthropicField, isRecord } from './invalid-anthropic-field.ts';

/** The only base64 image types the Messages API accepts (wire-formats §4.2). */
const IMAGE_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

/**
 * Inbound Anthropic `system` → canonical system message. Text blocks are joined into one string: `cache_control`
 * has no meaning for non-Anthropic upstreams (and strict OpenAI servers reject unknown fields on content parts).
 */
export function convertFromAnthropicSystem(system: unknown): ChatMessage[] {
  if (system === undefined || system === null) return [];
  if (typeof system === 'string') return system === '' ? [] : [{ role: 'system', content: system }];
  if (!Array.isArray(system)) throw invalidAnthropicField('system', 'must be a string or an array of text blocks');
  const texts = system.map((block, index) => {
    if (!isRecord(block) || block.type !== 'text' || typeof block.text !== 'string') {
      throw invalidAnthropicField(`system.${index}`, 'must be a text block {"type":"text","text":…}');
    }
    return block.text;
  });
  const text = texts.filter((value) => value !== '').join('\n\n');
  return text === '' ? [] : [{ role: 'system', content: text }];
}

/**
 * Inbound Anthropic `messages` → canonical messages (wire-formats §8.3, reversed):
 * - a user message's `tool_result` blocks become `tool` messages, in order, before the rest of that user turn;
 *   `is_error` is kept as an `Error: ` prefix (Chat has no error flag), images inside a result move to the user turn;
 * - an assistant's `tool_use` blocks become `tool_calls` (input JSON-stringified); `thinking` and
 *   `redacted_thinking` blocks are dropped: their signatures only mean something to Anthropic (the native
 *   pass-through keeps them), and OpenAI-format servers reject or misread reasoning sent back as input
 *   (https://api-docs.deepseek.com/guides/reasoning_model);
 * - `system` role messages (newer API versions) become system messages.
 */
export function convertFromAnthropicMessages(messages: unknown): ChatMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw invalidAnthropicField('messages', 'must be a non-empty array of messages');
  }
  const result: ChatMessage[] = [];
  messages.forEach((message, index) => {
    const path = `messages.${index}`;
    if (!isRecord(message)) throw invalidAnthropicField(path, 'must be an object with role and content');
    const content = message.content;
    if (typeof content !== 'string' && !Array.isArray(content)) {
      throw invalidAnthropicField(`${path}.content`, 'must be a string or an array of content blocks');
    }
    switch (message.role) {
      case 'user':
        result.push(...convertUser(content, `${path}.content`));
        break;
      case 'assistant':
        result.push(convertAssistant(content, `${path}.content`));
        break;
      case 'system':
        result.push(...convertFromAnthropicSystem(content));
        break;
      default:
        throw invalidAnthropicField(`${path}.role`, 'must be "user" or "assistant"');
    }
  });
  return result;
}

function convertUser(content: string | unknown[], path: string): ChatMessage[] {
  if (typeof content === 'string') return [{ role: 'user', content }];
  const toolMessages: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  content.forEach((block, index) => {
    const blockPath = `${path}.${index}`;
    if (!isRecord(block)) throw invalidAnthropicField(blockPath, 'must be a content block object');
    if (block.type === 'tool_result') {
      const converted = convertToolResult(block, blockPath);
      toolMessages.push(converted.message);
      parts.push(...converted.images);
      return;
    }
    const part = convertUserBlock(block, blockPath);
    if (part) parts.push(part);
  });
  if (parts.length === 0) return toolMessages;
  const only = parts.length === 1 ? parts[0] : undefined;
  const userContent = only?.type === 'text' ? only.text : parts;
  return [...toolMessages, { role: 'user', content: userContent }];
}

function convertUserBlock(block: Record<string, unknown>, path: string): ContentPart | undefined {
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string') throw invalidAnthropicField(`${path}.text`, 'must be a string');
      return block.text === '' ? undefined : { type: 'text', text: block.text };
    case 'image':
      return convertImage(block.source, `${path}.source`);
    case 'document':
      return convertDocument(block, path);
    case 'tool_use':
    case 'thinking':
    case 'redacted_thinking':
      throw invalidAnthropicField(`${path}.type`, `'${block.type}' blocks are only allowed in assistant messages`);
    default:
      throw invalidAnthropicField(
        `${path}.type`,
        `content blocks of type '${String(block.type)}' are not supported when the model's upstream is not Anthropic`,
      );
  }
}

function convertImage(source: unknown, path: string): ContentPart {
  if (!isRecord(source)) throw invalidAnthropicField(path, 'must be an image source object');
  if (source.type === 'url') {
    if (typeof source.url !== 'string' || source.url === '') throw invalidAnthropicField(`${path}.url`, 'is required');
    return { type: 'image_url', image_url: { url: source.url } };
  }
  if (source.type !== 'base64') throw invalidAnthropicField(`${path}.type`, 'must be "base64" or "url"');
  if (typeof source.media_type !== 'string' || !IMAGE_MEDIA_TYPES.has(source.media_type)) {
    throw invalidAnthropicField(`${path}.media_type`, 'must be one of image/jpeg, image/png, image/gif, image/webp');
  }
  if (typeof source.data !== 'string' || source.data === '') {
    throw invalidAnthropicField(`${path}.data`, 'must be base64 image data');
  }
  return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } };
}

/** Base64 PDFs become Chat `file` parts, plain-text documents become text; URL documents need Anthropic itself. */
function convertDocument(block: Record<string, unknown>, path: string): ContentPart {
  const source = block.source;
  if (isRecord(source) && source.type === 'base64' && typeof source.data === 'string') {
    const mediaType = typeof source.media_type === 'string' ? source.media_type : 'application/pdf';
    const file: { file_data: string; filename?: string } = { file_data: `data:${mediaType};base64,${source.data}` };
    if (typeof block.title === 'string') file.filename = block.title;
    return { type: 'file', file };
  }
  if (isRecord(source) && source.type === 'text' && typeof source.data === 'string') {
    return { type: 'text', text: source.data };
  }
  throw invalidAnthropicField(
    `${path}.source`,
    "only base64 and text document sources are supported when the model's upstream is not Anthropic",
  );
}

function convertToolResult(
  block: Record<string, unknown>,
  path: string,
): { message: ChatMessage; images: ContentPart[] } {
  if (typeof block.tool_use_id !== 'string' || block.tool_use_id === '') {
    throw invalidAnthropicField(`${path}.tool_use_id`, 'is required');
  }
  const texts: string[] = [];
  const images: ContentPart[] = [];
  const content = block.content;
  if (typeof content === 'string') texts.push(content);
  else if (Array.isArray(content)) {
    content.forEach((item, index) => {
      const itemPath = `${path}.content.${index}`;
      if (!isRecord(item)) throw invalidAnthropicField(itemPath, 'must be a content block object');
      if (item.type === 'text' && typeof item.text === 'string') texts.push(item.text);
      else if (item.type === 'image') images.push(convertImage(item.source, `${itemPath}.source`));
      else if (item.type === 'document') {
        const document = convertDocument(item, itemPath);
        if (document.type === 'text') texts.push(document.text);
        else images.push(document);
      } else throw invalidAnthropicField(`${itemPath}.type`, 'must be a text, image or document block');
    });
  } else if (content !== undefined && content !== null) {
    throw invalidAnthropicField(`${path}.content`, 'must be a string or an array of content blocks');
  }
  const text = texts.join('\n');
  return {
    message: {
      role: 'tool',
      tool_call_id: block.tool_use_id,
      content: block.is_error === true ? `Error: ${text}` : text,
    },
    images,
  };
}

function convertAssistant(content: string | unknown[], path: string): ChatMessage {
  if (typeof content === 'string') return { role: 'assistant', content };
  let text = '';
  const toolCalls: ToolCall[] = [];
  content.forEach((block, index) => {
    const blockPath = `${path}.${index}`;
    if (!isRecord(block)) throw invalidAnthropicField(blockPath, 'must be a content block object');
    switch (block.type) {
      case 'text':
        if (typeof block.text !== 'string') throw invalidAnthropicField(`${blockPath}.text`, 'must be a string');
        text += block.text;
        return;
      case 'thinking':
      case 'redacted_thinking':
        return;
      case 'tool_use': {
        if (typeof block.id !== 'string' || block.id === '') {
          throw invalidAnthropicField(`${blockPath}.id`, 'is required');
        }
        if (typeof block.name !== 'string' || block.name === '') {
          throw invalidAnthropicField(`${blockPath}.name`, 'is required');
        }
        if (block.input !== undefined && !isRecord(block.input)) {
          throw invalidAnthropicField(`${blockPath}.input`, 'must be an object');
        }
        toolCalls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
        return;
      }
      default:
        throw invalidAnthropicField(
          `${blockPath}.type`,
          `assistant blocks of type '${String(block.type)}' are not supported when the model's upstream is not Anthropic`,
        );
    }
  });
  const message: ChatMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return message;
}
