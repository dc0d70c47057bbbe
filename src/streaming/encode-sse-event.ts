import type { SseEvent } from './sse-event.ts';

const encoder = new TextEncoder();

/** One event as `event: <name>\ndata: <data>\n\n` bytes; data with newlines becomes several `data:` lines. */
export function encodeSseEvent(event: SseEvent): Uint8Array {
  return encoder.encode(formatSseEvent(event));
}

export function formatSseEvent(event: SseEvent): string {
  const data = event.data.includes('\n') ? event.data.split('\n').join('\ndata: ') : event.data;
  return event.event ? `event: ${event.event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

/** The OpenAI Chat terminator. */
export const SSE_DONE = encoder.encode('data: [DONE]\n\n');
