import type { ContentPart } from '../../../canonical/index.ts';
import { GatewayError } from '../../../canonical/index.ts';
import type { GeminiPart } from './gemini-wire-types.ts';

/** `data:<mime>[;params];base64,<data>`; the mime type is kept, the parameters are not. */
const DATA_URL = /^data:([^;,]+)(?:;[^;,]*)*;base64,(.*)$/s;
/** URIs Gemini reads itself: Cloud Storage objects and its own Files API (https://ai.google.dev/gemini-api/docs/files). */
const GEMINI_FILE_URI = /^(gs:\/\/|https:\/\/generativelanguage\.googleapis\.com\/(?:[^?#]*\/)?files\/)/;
const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  wav: 'audio/wav',
  mp3: 'audio/mp3',
};

/**
 * A non-text user content part → a Gemini part: data URLs and base64 audio become `inlineData`, Gemini-readable URIs
 * become `fileData`. Any other remote URL is refused: the gateway never fetches client-supplied URLs (that would let
 * a client make the gateway reach arbitrary hosts), and Gemini cannot fetch them either.
 */
export function convertToGeminiMediaPart(part: Exclude<ContentPart, { type: 'text' }>): GeminiPart {
  if (part.type === 'image_url') return fromUrl(part.image_url.url);
  if (part.type === 'input_audio') {
    return { inlineData: { mimeType: audioMimeType(part.input_audio.format), data: part.input_audio.data } };
  }
  if (part.type === 'file' && typeof part.file.file_data === 'string') {
    const inline = parseDataUrl(part.file.file_data);
    if (inline) return { inlineData: inline };
    throw invalidPart('A `file` part needs `file_data` as a base64 data URL for Gemini providers.');
  }
  throw invalidPart(
    `Content part type '${String((part as { type?: unknown }).type)}' is not supported by Gemini providers; send text, image_url, input_audio or file (file_data).`,
  );
}

function fromUrl(url: string): GeminiPart {
  const inline = parseDataUrl(url);
  if (inline) return { inlineData: inline };
  if (url.startsWith('data:')) throw invalidPart('Image data URLs must be base64 encoded (data:<mime>;base64,<data>).');
  if (GEMINI_FILE_URI.test(url)) {
    const mimeType = mimeTypeFromPath(url);
    return { fileData: mimeType ? { fileUri: url, mimeType } : { fileUri: url } };
  }
  throw invalidPart(
    'Image URLs must be base64 data URLs, gs:// URIs or Gemini Files API URIs for Gemini providers: the gateway does not fetch client-supplied URLs.',
  );
}

function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const match = DATA_URL.exec(url);
  return match ? { mimeType: match[1].toLowerCase(), data: match[2] } : undefined;
}

function mimeTypeFromPath(url: string): string | undefined {
  const path = url.split(/[?#]/)[0];
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return extension ? MIME_BY_EXTENSION[extension] : undefined;
}

function audioMimeType(format: string): string {
  const lower = format.toLowerCase();
  return lower.includes('/') ? lower : `audio/${lower}`;
}

function invalidPart(message: string): GatewayError {
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_content_part',
    param: 'messages',
    message,
  });
}
