import type { AppDeps } from '../../app-deps.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { InboundRequest } from './inbound-request.ts';

export type RequestDeadline = { signal: AbortSignal; deadlineAt: number; clear: () => void };

/** Largest per-request override of the deadline. */
const MAX_TIMEOUT_MS = 600_000;

/**
 * One deadline per request, shared by every attempt: the config's `routing.timeoutMs`, or the client's
 * `x-switchboard-timeout-ms` header. The returned signal also aborts when the client goes away.
 */
export function createRequestDeadline(deps: AppDeps, inbound: InboundRequest): RequestDeadline {
  const header = inbound.raw.headers.get('x-switchboard-timeout-ms');
  let timeoutMs = deps.config.routing.timeoutMs;
  if (header !== null) {
    const asked = Number(header);
    if (!Number.isInteger(asked) || asked < 1 || asked > MAX_TIMEOUT_MS) {
      throw new GatewayError({
        status: 400,
        code: 'invalid_header',
        param: 'x-switchboard-timeout-ms',
        message: `Header 'x-switchboard-timeout-ms' must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}.`,
      });
    }
    timeoutMs = asked;
  }
  const controller = deps.createAbortController?.() ?? new AbortController();
  const timer = setTimeout(() => {
    controller.abort(
      new GatewayError({
        status: 504,
        type: 'timeout_error',
        code: 'deadline_exceeded',
        message: `No provider answered within the request deadline of ${timeoutMs} ms.`,
        isRetryable: false,
      }),
    );
  }, timeoutMs);
  // Any reason but a GatewayError reads as the client having gone (499, `client_closed_request`).
  const unwatch = inbound.watchClient(() =>
    controller.abort(new DOMException('The client closed the request.', 'AbortError')),
  );
  return {
    signal: controller.signal,
    deadlineAt: deps.now() + timeoutMs,
    clear: () => {
      clearTimeout(timer);
      unwatch();
    },
  };
}
