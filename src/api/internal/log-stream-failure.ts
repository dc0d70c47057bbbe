import type { AppDeps } from '../../app-deps.ts';

/** A stream that failed after its first byte (its client got an error event): one warning, for every endpoint. */
export function logStreamFailure(
  deps: AppDeps,
  requestId: string,
  providerId: string | undefined,
  error: unknown,
): void {
  if (!error) return;
  deps.logger.warn('stream_failed_after_start', {
    requestId,
    provider: providerId,
    error: error instanceof Error ? error.message : String(error),
  });
}
