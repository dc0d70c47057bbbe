import type { ContentPart } from '../../../canonical/index.ts';
import type { AnthropicRequestBlock } from './anthropic-wire-types.ts';
import { invalidRequest } from './invalid-request.ts';

/** The only base64 image types the Messages API accepts (wire-formats §4.2). */
const IMAGE_MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

const DATA_URL = /^data:([^;,]+)((?:;[^;,]*)*);base64,(.*)$/s;

/**
 * One OpenAI user content part → one Anthropic block, or undefined for an empty text part (Anthropic rejects empty
 * text blocks). Images are never downloaded: data URLs become base64 sources, http(s) URLs are handed to Anthropic,
 * which fetches them itself (wire-formats §8.5).
 */
export function convertAnthropicUserPart(part: ContentPart, path: string): AnthropicRequestBlock | undefined {
  switch (part.type) {
    case 'text':
      if (part.text === '') return undefined;
      return isCacheControl(part.cache_control)
        ? { type: 'text', text: part.text, cache_control: part.cache_control }
        : { type: 'text', text: part.text };
    case 'image_url':
      return convertImage(part.image_url?.url, `${path}.image_url.url`);
    case 'file':
      return convertFile(part.file?.file_data, `${path}.file`);
    default:
      throw invalidRequest(
        `Content parts of type '${String((part as { type?: unknown }).type)}' are not supported by Anthropic models.`,
        `${path}.type`,
      );
  }
}

function convertImage(url: unknown, path: string): AnthropicRequestBlock {
  if (typeof url !== 'string') throw invalidRequest('An image part needs an image_url.url.', path);
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const match = DATA_URL.exec(url);
  if (!match) throw invalidRequest('Images must be https URLs or base64 data URLs.', path);
  // `image/jpg` is not a registered type but clients send it; Anthropic only knows `image/jpeg`.
  const mediaType = match[1].toLowerCase() === 'image/jpg' ? 'image/jpeg' : match[1].toLowerCase();
  if (!IMAGE_MEDIA_TYPES.has(mediaType)) {
    throw invalidRequest(
      `Image type '${mediaType}' is not supported by Anthropic models (use jpeg, png, gif or webp).`,
      path,
    );
  }
  return { type: 'image', source: { type: 'base64', media_type: mediaType, data: match[3] } };
}

/** Only inline PDFs have an Anthropic equivalent (a `document` block); uploaded `file_id`s live at OpenAI. */
function convertFile(fileData: unknown, path: string): AnthropicRequestBlock {
  const match = typeof fileData === 'string' ? DATA_URL.exec(fileData) : null;
  const isPdf = match?.[1].toLowerCase() === 'application/pdf';
  if (!match || !isPdf) {
    throw invalidRequest('Anthropic models accept files only as base64 PDF data URLs in file.file_data.', path);
  }
  return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: match[3] } };
}

export function isCacheControl(value: unknown): value is { type: 'ephemeral'; ttl?: string } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'ephemeral';
}
