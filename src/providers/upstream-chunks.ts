import type { ChatCompletionChunk } from '../canonical/index.ts';
import { GatewayError } from '../canonical/index.ts';
import { type SseTranslator, translateSseStream } from '../streaming/translate-sse-stream.ts';
import { invalidUpstreamResponse } from './invalid-upstream-response.ts';
import type { ProviderDefinition } from './provider-adapter.ts';
import { redactProviderKey } from './redact-provider-key.ts';
import { upstreamReadError } from './upstream-read-error.ts';

/**
 * An upstream SSE answer → canonical chunks through the format's state machine, in one stream stage: the body read
 * with its failures turned into provider errors (a cut connection is a retryable 502), parsed as events, translated.
 * Every adapter's stream goes this way.
 */
export function upstreamChunks(
  response: Response,
  provider: ProviderDefinition,
  signal: AbortSignal,
  toChunks: SseTranslator<ChatCompletionChunk>,
): ReadableStream<ChatCompletionChunk> {
  const providerId = provider.id;
  if (!response.body) throw invalidUpstreamResponse(providerId, 'an empty stream');
  return translateSseStream(response.body, toChunks, {
    readError: (error) => upstreamReadError(error, providerId, signal),
    eventTooLong: (maxEventLength) =>
      new GatewayError({
        status: 502,
        type: 'upstream_error',
        code: 'upstream_event_too_large',
        message: `Provider '${providerId}' sent a stream event longer than ${maxEventLength} characters.`,
        provider: providerId,
        isRetryable: true,
      }),
    failure: (error) => redactProviderKey(error, provider),
  });
}
