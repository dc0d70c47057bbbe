import { GatewayError } from '../canonical/index.ts';
import { abortReason } from './send-upstream-request.ts';

/**
 * The upstream body with its read failures turned into `GatewayError`s: a connection cut mid-stream surfaces from
 * fetch as a bare `TypeError: terminated`, and the contract promises callers a retryable 502 that names the provider
 * (or the abort reason, when the request was aborted). Cancelling the result cancels the upstream body.
 */
export function guardUpstreamBody(
  body: ReadableStream<Uint8Array>,
  provider: string,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(
          signal.aborted
            ? abortReason(signal)
            : new GatewayError({
                status: 502,
                type: 'upstream_error',
                code: 'upstream_stream_interrupted',
                message: `Provider '${provider}' stream was interrupted before it finished.`,
                provider,
                isRetryable: true,
                cause: error,
              }),
        );
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
