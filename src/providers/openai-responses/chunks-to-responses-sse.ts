import type { ChatCompletionChunk } from '../../canonical/index.ts';
import { streamFailure } from '../../canonical/index.ts';
import { formatSseEvent } from '../../streaming/encode-sse-event.ts';
import type { ChunkReader } from '../../streaming/observe-chunk-reader.ts';
import type { ResponsesEventBuilder } from './chunks-to-responses-events.ts';
import type { ResponsesStreamEvent } from './internal/responses-wire-types.ts';

const encoder = new TextEncoder();

export type ResponsesSseOptions = {
  /** The chunk already read (streams commit late: headers go out only once it exists). */
  first: ChatCompletionChunk;
  rest: ChunkReader<ChatCompletionChunk>;
  builder: ResponsesEventBuilder;
  /** Called once with how the stream ended. */
  onEnd?: (outcome: { error?: unknown; cancelled?: boolean }) => void;
};

/**
 * Canonical chunks → Responses SSE bytes (`event: <type>` + `data: <json>`, wire-formats §9 rule 12), pulled one
 * chunk at a time so a slow client slows the upstream read. The terminal event ends the stream (no `[DONE]`); a
 * failure after the first byte ends with `error` + `response.failed`. Cancelling (client gone) cancels the upstream.
 */
export function chunksToResponsesSse(options: ResponsesSseOptions): ReadableStream<Uint8Array> {
  let ended = false;
  const end = (outcome: { error?: unknown; cancelled?: boolean }) => {
    if (ended) return;
    ended = true;
    options.onEnd?.(outcome);
  };
  const encode = (events: ResponsesStreamEvent[]): Uint8Array =>
    encoder.encode(events.map((event) => formatSseEvent({ event: event.type, data: JSON.stringify(event) })).join(''));
  const failWith = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    controller.enqueue(encode(options.builder.fail(streamFailure(error))));
    controller.close();
    end({ error });
    void options.rest.cancel().catch(() => undefined);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const started = options.builder.start(options.first.model);
      try {
        controller.enqueue(encode([...started, ...options.builder.push(options.first)]));
      } catch (error) {
        controller.enqueue(encode(started));
        failWith(controller, error);
      }
    },
    async pull(controller) {
      if (ended) return;
      try {
        for (;;) {
          const { done, value } = await options.rest.read();
          if (done) {
            controller.enqueue(encode(options.builder.finish()));
            controller.close();
            end({});
            return;
          }
          const events = options.builder.push(value);
          if (events.length > 0) {
            controller.enqueue(encode(events));
            return;
          }
        }
      } catch (error) {
        failWith(controller, error);
      }
    },
    async cancel(reason) {
      end({ cancelled: true });
      await options.rest.cancel(reason).catch(() => undefined);
    },
  });
}
