import type { ChatCompletionChunk } from '../../canonical/index.ts';
import { encodeSseEvent } from '../../streaming/encode-sse-event.ts';
import type { ChunkReader } from '../../streaming/observe-chunk-reader.ts';
import type { SseEvent } from '../../streaming/sse-event.ts';
import type { AnthropicEventWriter } from './chunks-to-anthropic-events.ts';

/** Idle time after which an `event: ping` is sent (wire-formats §9 rule 13). */
export const ANTHROPIC_PING_INTERVAL_MS = 15_000;

const PING = encodeSseEvent({ event: 'ping', data: '{"type":"ping"}' });

export type AnthropicSseOptions = {
  /** The chunk already read (streams commit late: headers go out only once it exists). */
  first: ChatCompletionChunk;
  rest: ChunkReader<ChatCompletionChunk>;
  writer: AnthropicEventWriter;
  /** The Anthropic error body for a failure after the start. */
  errorBody: (error: unknown) => unknown;
  pingIntervalMs?: number;
  /** Called once with how the stream ended. */
  onEnd?: (outcome: { error?: unknown; cancelled?: boolean }) => void;
};

/**
 * Canonical chunks → Anthropic SSE bytes, pulled one chunk at a time (backpressure). While the upstream is silent
 * (thinking, slow tools) an `event: ping` goes out every `pingIntervalMs`; a failure after the start ends with an
 * `event: error` carrying an Anthropic error body, which the Anthropic SDKs raise as an APIError. Cancelling (client
 * gone) cancels the upstream.
 */
export function anthropicEventsToSse(options: AnthropicSseOptions): ReadableStream<Uint8Array> {
  const interval = options.pingIntervalMs ?? ANTHROPIC_PING_INTERVAL_MS;
  let timer: ReturnType<typeof setInterval> | undefined;
  let ended = false;
  let lastSentAt = 0;
  const end = (outcome: { error?: unknown; cancelled?: boolean }) => {
    if (timer !== undefined) clearInterval(timer);
    if (ended) return;
    ended = true;
    options.onEnd?.(outcome);
  };
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, events: SseEvent[]) => {
    for (const event of events) controller.enqueue(encodeSseEvent(event));
    if (events.length > 0) lastSentAt = performance.now();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      send(controller, options.writer.push(options.first));
      timer = setInterval(() => {
        if (ended || performance.now() - lastSentAt < interval) return;
        try {
          controller.enqueue(PING);
          lastSentAt = performance.now();
        } catch {
          // The stream closed between the check and the tick; nothing to keep alive.
        }
      }, interval);
    },
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await options.rest.read();
          if (done) {
            send(controller, options.writer.finish());
            controller.close();
            end({});
            return;
          }
          const events = options.writer.push(value);
          if (events.length > 0) {
            send(controller, events);
            return;
          }
        }
      } catch (error) {
        send(controller, options.writer.fail(options.errorBody(error)));
        controller.close();
        end({ error });
        await options.rest.cancel(error).catch(() => undefined);
      }
    },
    async cancel(reason) {
      end({ cancelled: true });
      await options.rest.cancel(reason).catch(() => undefined);
    },
  });
}
