import type { ServerResponse } from 'node:http';

/**
 * `AppDeps.watchClient` on Node: `env` holds `@hono/node-server`'s bindings, and the client is gone when its response
 * closes before it finished (the rule `@hono/node-server` uses for the Web request's signal, without making that
 * signal: on Node 20 every AbortSignal outlives a young-generation collection). Without the bindings (a request
 * handed in some other way) there is nothing to watch.
 */
export function watchNodeClient(env: unknown, onGone: () => void): () => void {
  const outgoing = (env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing) return () => undefined;
  if (outgoing.closed) {
    if (!outgoing.writableFinished) onGone();
    return () => undefined;
  }
  const onClose = () => {
    if (!outgoing.writableFinished) onGone();
  };
  outgoing.once('close', onClose);
  return () => outgoing.off('close', onClose);
}
