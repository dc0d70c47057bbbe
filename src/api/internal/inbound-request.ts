import type { Context } from 'hono';
import type { AppDeps } from '../../app-deps.ts';

/** Calls `onGone` once if the client goes away before its answer ends; returns the function that stops watching. */
export type WatchClient = (onGone: () => void) => () => void;

/**
 * The client's request as the attempt loops read it: the Web request (its headers), and how to learn that the client
 * went away.
 */
export type InboundRequest = { raw: Request; watchClient: WatchClient };

/**
 * A route's request for the attempt loops. The client's departure is watched by the runtime when it can
 * (`AppDeps.watchClient`, Node: no AbortSignal per request), else through the Web request's `signal` (Workers,
 * `app.request()` in tests).
 */
export function inboundRequestOf(deps: AppDeps, c: Context): InboundRequest {
  const raw = c.req.raw;
  const watch = deps.watchClient;
  return { raw, watchClient: watch ? (onGone) => watch(c.env, onGone) : watchSignal(raw.signal) };
}

function watchSignal(signal: AbortSignal): WatchClient {
  return (onGone) => {
    if (signal.aborted) {
      onGone();
      return () => undefined;
    }
    signal.addEventListener('abort', onGone, { once: true });
    return () => signal.removeEventListener('abort', onGone);
  };
}
