import type { ChatCompletionChunk } from '../canonical/index.ts';
import { parseSseStream } from '../streaming/parse-sse-stream.ts';
import type { SseEvent } from '../streaming/sse-event.ts';
import { guardUpstreamBody } from './guard-upstream-body.ts';
import { invalidUpstreamResponse } from './invalid-upstream-response.ts';

/**
 * An upstream SSE answer → canonical chunks through the format's state machine: the body guarded (a cut connection
 * is a retryable provider error), parsed as events, then translated. Every adapter's stream goes this way.
 */
export function upstreamChunks(
  response: Response,
  providerId: string,
  signal: AbortSignal,
  toChunks: TransformStream<SseEvent, ChatCompletionChunk>,
): ReadableStream<ChatCompletionChunk> {
  if (!response.body) throw invalidUpstreamResponse(providerId, 'an empty stream');
  return parseSseStream(guardUpstreamBody(response.body, providerId, signal)).pipeThrough(toChunks);
}
