import { createParser, type EventSourceParser } from 'eventsource-parser';
import type { SseEvent } from './sse-event.ts';

/**
 * Bytes → SSE events, following the WHATWG event-stream rules (wire-formats §9): CR, LF and CRLF line ends, events
 * split across reads, multi-byte characters split across reads, a leading BOM skipped, comments skipped, multi-line
 * data joined. `id:` and `retry:` are ignored: an upstream generation stream is never reconnected.
 *
 * One deliberate leniency: an event still pending when the body ends (no final blank line, or a last line ended by a
 * lone CR, which cannot be told from the first half of a CRLF until more bytes come) is dispatched rather than
 * dropped. Proxies that trim trailing newlines would otherwise turn a complete stream into a truncated one; a body
 * really cut mid-event still ends in data its consumer cannot parse.
 */
export function parseSseStream(body: ReadableStream<Uint8Array>): ReadableStream<SseEvent> {
  let parser: EventSourceParser;
  return body.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>).pipeThrough(
    new TransformStream<string, SseEvent>({
      start(controller) {
        parser = createParser({
          onEvent: (message) =>
            controller.enqueue(message.event ? { event: message.event, data: message.data } : { data: message.data }),
        });
      },
      transform(text) {
        parser.feed(text);
      },
      flush() {
        // Ends the last line and the last event; with nothing pending these are blank lines and dispatch nothing.
        parser.feed('\n\n');
      },
    }),
  );
}
