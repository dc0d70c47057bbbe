import type { Context } from 'hono';
import type { AppDeps } from '../../app-deps.ts';

/**
 * Runs work after the response without holding it: on Workers through the execution context's `waitUntil`, on Node
 * it simply runs (or through `deps.waitUntil`). A failure is logged, never thrown.
 */
export function keepAlive(deps: AppDeps, c: Context): (work: Promise<unknown>) => void {
  return (work) => {
    const guarded = work.catch((error) => deps.logger.warn('policy_settle_failed', { error: String(error) }));
    try {
      c.executionCtx.waitUntil(guarded);
    } catch {
      deps.waitUntil?.(guarded);
    }
  };
}
