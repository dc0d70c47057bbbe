import type { Context } from 'hono';
import type { AppDeps } from '../../app-deps.ts';

/** Calls `onGone` once if the client goes away before its answer ends; returns the function that stops watching. */
export type WatchClient = (onGone: () => void) => () => void;

/**
 * How a request learns that its client went away: the runtime's own watch when it has one (`AppDeps.watchClient`,
 * Node), else the Web request's `signal` (Workers, `app.request()` in tests).
 */
export function watchClientOf(deps: AppDeps, c: Context): WatchClient {
  const watch = deps.watchClient;
  if (watch) return (onGone) => watch(c.env, onGone);
  return watchSignal(c.req.raw.signal);
}

/** A `WatchClient` over an abort signal (the Web request's). */
export function watchSignal(signal: AbortSignal): WatchClient {
  return (onGone) => {
    if (signal.aborted) {
      onGone();
      return () => undefined;
    }
    signal.addEventListener('abort', onGone, { once: true });
    return () => signal.removeEventListener('abort', onGone);
  };
}
