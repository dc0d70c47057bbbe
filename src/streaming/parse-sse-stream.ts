import { EventSourceParserStream } from 'eventsource-parser/stream';
import type { SseEvent } from './sse-event.ts';

/**
 * Bytes → SSE events, following the WHATWG event-stream rules (wire-formats §9): CR, LF and CRLF line ends, events
 * split across reads, multi-byte characters split across reads, comments skipped, multi-line data joined.
 * `id:` and `retry:` are ignored: an upstream generation stream is never reconnected.
 */
export function parseSseStream(body: ReadableStream<Uint8Array>): ReadableStream<SseEvent> {
  return body
    .pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>)
    .pipeThrough(new EventSourceParserStream())
    .pipeThrough(
      new TransformStream({
        transform(message, controller) {
          controller.enqueue(message.event ? { event: message.event, data: message.data } : { data: message.data });
        },
      }),
    );
}
