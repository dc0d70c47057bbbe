import { createParser } from 'eventsource-parser';
import { MAX_SSE_EVENT_LENGTH, type SseEvent } from './sse-event.ts';

/**
 * What an upstream format's stream state machine is: the `Transformer` of a `TransformStream` from SSE events to
 * whatever the format translates them into. Only synchronous `transform` and `flush` are supported, and the
 * controller they get offers `enqueue`, `error` and `terminate`.
 */
export type SseTranslator<T> = {
  transform(event: SseEvent, controller: SseTranslatorController<T>): void;
  flush?(controller: SseTranslatorController<T>): void;
};

export type SseTranslatorController<T> = Pick<TransformStreamDefaultController<T>, 'enqueue' | 'error' | 'terminate'>;

export type TranslateSseOptions = {
  /** Turns a failed read of the body into the error the result fails with (a cut connection, an abort). */
  readError?: (error: unknown) => unknown;
  /** The longest event held while waiting for its end, in characters (default `MAX_SSE_EVENT_LENGTH`). */
  maxEventLength?: number;
  /** The error the result fails with when an event grows past `maxEventLength` (the body is then cancelled). */
  eventTooLong?: (maxEventLength: number) => unknown;
  /** A last word on every error the result fails with, whatever its source (to redact it, say). */
  failure?: (error: unknown) => unknown;
};

/**
 * Bytes → SSE events → `translator`'s output, in one stream stage. It follows the WHATWG event-stream rules
 * (wire-formats §9): CR, LF and CRLF line ends, events split across reads, multi-byte characters split across reads,
 * a leading BOM skipped, comments skipped, multi-line data joined. `id:` and `retry:` are ignored: an upstream
 * generation stream is never reconnected.
 *
 * One stage instead of a pipe per step (decoder, parser, translator): each piped Web stream stage costs promises and
 * queue work for every event, which was most of a relayed stream's CPU. The result is pulled: a body read happens
 * only when the consumer wants more and everything read so far has been handed on, so backpressure reaches the
 * upstream. When the translator terminates (a format's end marker) or fails, the body is cancelled; cancelling the
 * result cancels the body.
 *
 * An event still open past `maxEventLength` characters (an upstream sending one endless line) fails the result and
 * cancels the body: the parser holds no more than that.
 *
 * One deliberate leniency: an event still pending when the body ends (no final blank line, or a last line ended by a
 * lone CR, which cannot be told from the first half of a CRLF until more bytes come) is dispatched rather than
 * dropped. Proxies that trim trailing newlines would otherwise turn a complete stream into a truncated one; a body
 * really cut mid-event still ends in data its consumer cannot parse.
 */
export function translateSseStream<T>(
  body: ReadableStream<Uint8Array>,
  translator: SseTranslator<T>,
  options: TranslateSseOptions = {},
): ReadableStream<T> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  /** Translated values not yet handed on: one read of the body can complete several events. */
  const ready: T[] = [];
  /**
   * How the result ends, once known. It ends only after `ready` is handed on: a failure must not discard the values
   * translated before it (a stream's content, then its error event).
   */
  let ending: { error?: unknown; failed: boolean } | undefined;
  /** The consumer cancelled: a read still pending then settles into a stream that is already closed. */
  let cancelled = false;

  const stopBody = (reason?: unknown) => {
    void reader.cancel(reason).catch(() => undefined);
  };
  const controller: SseTranslatorController<T> = {
    enqueue(value: T) {
      if (!ending) ready.push(value);
    },
    error(reason?: unknown) {
      if (ending) return;
      ending = { error: reason, failed: true };
      stopBody(reason);
    },
    terminate() {
      if (ending) return;
      ending = { failed: false };
      stopBody();
    },
  };
  const maxEventLength = options.maxEventLength ?? MAX_SSE_EVENT_LENGTH;
  const parser = createParser({
    maxBufferSize: maxEventLength,
    onError: (error) => {
      // Only a bound crossed ends the stream; the parser's other reports (an odd `retry:`) change nothing here.
      if (error.type !== 'max-buffer-size-exceeded' || ending) return;
      const reason = options.eventTooLong
        ? options.eventTooLong(maxEventLength)
        : new RangeError(`An SSE event grew past ${maxEventLength} characters.`);
      ending = { error: reason, failed: true };
      stopBody(reason);
    },
    onEvent: (message) => {
      if (ending) return;
      translator.transform(
        message.event ? { event: message.event, data: message.data } : { data: message.data },
        controller,
      );
    },
  });
  /** Feeds text to the parser; a translator that throws fails the result, as a throwing transform fails a TransformStream. */
  const feed = (text: string, end: boolean) => {
    try {
      parser.feed(text);
      if (end && !ending) translator.flush?.(controller);
    } catch (error) {
      if (ending) return;
      ending = { error, failed: true };
      stopBody(error);
    }
  };

  return new ReadableStream<T>(
    {
      async pull(output) {
        for (;;) {
          if (ready.length > 0) {
            output.enqueue(ready.shift() as T);
            return;
          }
          if (ending) {
            if (ending.failed) output.error(options.failure ? options.failure(ending.error) : ending.error);
            else output.close();
            return;
          }
          let read: ReadableStreamReadResult<Uint8Array>;
          try {
            read = await reader.read();
          } catch (error) {
            if (cancelled) return;
            ending ??= { error: options.readError ? options.readError(error) : error, failed: true };
            continue;
          }
          if (cancelled) return;
          if (ending) continue;
          if (read.done) {
            // Ends the decoder, then the last line and the last event; with nothing pending these dispatch nothing.
            feed(`${decoder.decode()}\n\n`, true);
            ending ??= { failed: false };
          } else {
            feed(decoder.decode(read.value, { stream: true }), false);
          }
        }
      },
      cancel(reason) {
        cancelled = true;
        ending ??= { failed: false };
        ready.length = 0;
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
