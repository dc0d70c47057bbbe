import { GatewayError } from '../canonical/index.ts';
import { abortReason } from './send-upstream-request.ts';

/**
 * What a failed read of an upstream body becomes: a connection cut mid-stream surfaces from fetch as a bare
 * `TypeError: terminated`, and the contract promises callers a retryable 502 that names the provider (or the abort
 * reason, when the request was aborted).
 */
export function upstreamReadError(error: unknown, provider: string, signal: AbortSignal): unknown {
  if (signal.aborted) return abortReason(signal);
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'upstream_stream_interrupted',
    message: `Provider '${provider}' stream was interrupted before it finished.`,
    provider,
    isRetryable: true,
    cause: error,
  });
}
