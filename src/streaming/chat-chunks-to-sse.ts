import type { ChatCompletionChunk } from '../canonical/index.ts';
import { streamFailure, toOpenAIErrorBody } from '../canonical/index.ts';
import { SSE_DONE } from './encode-sse-event.ts';
import type { ChunkReader } from './observe-chunk-reader.ts';

const encoder = new TextEncoder();

export type ChatSseOptions = {
  /** The chunk already read (streams commit late: headers go out only once it exists). */
  first: ChatCompletionChunk;
  rest: ChunkReader<ChatCompletionChunk>;
  /** Forward the usage chunk (`choices: []`) only when the client asked with `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Called once with how the stream ended: the last usage seen, and the error if it failed. */
  onEnd?: (outcome: { usage?: ChatCompletionChunk['usage']; error?: unknown; cancelled?: boolean }) => void;
};

/**
 * Canonical chunks → OpenAI SSE bytes, pulled one chunk at a time so a slow client slows the upstream read
 * (backpressure) instead of filling memory. Ends with `data: [DONE]`; a failure after the first byte ends with an
 * OpenAI error payload (`data: {"error":…}`), which the OpenAI SDKs raise as an APIError. Cancelling (client gone)
 * cancels the upstream.
 */
export function chatChunksToSse(options: ChatSseOptions): ReadableStream<Uint8Array> {
  let usage: ChatCompletionChunk['usage'];
  let ended = false;
  const end = (outcome: { error?: unknown; cancelled?: boolean }) => {
    if (ended) return;
    ended = true;
    options.onEnd?.({ usage, ...outcome });
  };
  const encode = (chunk: ChatCompletionChunk): Uint8Array | undefined => {
    if (chunk.usage) usage = chunk.usage;
    if (chunk.choices.length === 0 && !options.includeUsage) return undefined;
    return encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const bytes = encode(options.first);
      if (bytes) controller.enqueue(bytes);
    },
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await options.rest.read();
          if (done) {
            controller.enqueue(SSE_DONE);
            controller.close();
            end({});
            return;
          }
          const bytes = encode(value);
          if (bytes) {
            controller.enqueue(bytes);
            return;
          }
        }
      } catch (error) {
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(toOpenAIErrorBody(streamFailure(error)))}\n\n`));
        controller.close();
        end({ error });
      }
    },
    async cancel(reason) {
      end({ cancelled: true });
      await options.rest.cancel(reason).catch(() => undefined);
    },
  });
}
