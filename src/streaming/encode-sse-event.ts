import type { SseEvent } from './sse-event.ts';

const encoder = new TextEncoder();

/**
 * One event as `event: <name>\ndata: <data>\n\n` bytes; data with line breaks becomes several `data:` lines. CR and
 * CRLF are line breaks to every SSE reader, so they split lines too (a raw CR inside one `data:` line would end it).
 */
export function encodeSseEvent(event: SseEvent): Uint8Array {
  return encoder.encode(formatSseEvent(event));
}

export function formatSseEvent(event: SseEvent): string {
  const data = event.data.split(/\r\n|\r|\n/).join('\ndata: ');
  return event.event ? `event: ${event.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

/** The OpenAI Chat terminator. */
export const SSE_DONE = encoder.encode('data: [DONE]\n\n');
