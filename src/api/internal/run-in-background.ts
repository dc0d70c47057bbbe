import type { Context } from 'hono';
import type { AppDeps } from '../../app-deps.ts';

/**
 * Runs work after the response without holding it; a failure is logged, never thrown. A runtime that keeps background
 * work alive itself (Node) says so through `deps.waitUntil`; Workers hand it to the request's `ctx.waitUntil`. Node is
 * asked first on purpose: Hono's execution-context getter throws there, and building that error costs more than the
 * rest of a request's bookkeeping.
 */
export function runInBackground(deps: AppDeps, c: Context, work: Promise<unknown>): void {
  const guarded = work.catch((error) => deps.logger.warn('background_work_failed', { error: String(error) }));
  if (deps.waitUntil) {
    deps.waitUntil(guarded);
    return;
  }
  try {
    c.executionCtx.waitUntil(guarded);
  } catch {
    // No execution context and no waitUntil (tests): the promise runs on its own.
  }
}
