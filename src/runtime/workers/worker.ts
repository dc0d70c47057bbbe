import type { Hono } from 'hono';
import type { GatewayEnv } from '../../api/gateway-env.ts';
import { createApp } from '../../app.ts';
import { GatewayError, toOpenAIErrorBody } from '../../canonical/index.ts';
import { ConfigError } from '../../config/config-error.ts';
import { createConsoleLogger } from './console-logger.ts';
import { createWorkerDeps, loadWorkerConfig } from './create-worker-deps.ts';
import { environmentFingerprint, toConfigEnvironment, type WorkerEnv } from './worker-env.ts';

/** The gateway built for one set of vars, or the config problem that stopped it. */
type Built = { env: WorkerEnv; fingerprint: string } & ({ app: Hono<GatewayEnv> } | { failure: GatewayError });

// The Durable Object class wrangler.jsonc binds as SWITCHBOARD_COUNTERS must be exported by the main module.
export { CounterDurableObject } from '../../state/durable-object/counter-durable-object.ts';

const logger = createConsoleLogger();

/**
 * Built once per isolate and reused by every request, so the model catalog, health and round-robin state live as
 * long as the isolate; rebuilt only when the vars or secrets change.
 */
let built: Built | undefined;

export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response> {
    const gateway = gatewayFor(env);
    if ('failure' in gateway) {
      return new Response(JSON.stringify(toOpenAIErrorBody(gateway.failure)), {
        status: gateway.failure.status,
        headers: { 'content-type': 'application/json' },
      });
    }
    return gateway.app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<WorkerEnv>;

function gatewayFor(env: WorkerEnv): Built {
  // The runtime hands every request of an isolate the same env object: compare contents only when it differs.
  if (built?.env === env) return built;
  const fingerprint = environmentFingerprint(toConfigEnvironment(env));
  if (built?.fingerprint === fingerprint) {
    built.env = env;
    return built;
  }
  try {
    const deps = createWorkerDeps(loadWorkerConfig(env), logger, env);
    built = { env, fingerprint, app: createApp(deps) };
  } catch (error) {
    built = { env, fingerprint, failure: configFailure(error) };
    logger.error('config_invalid', { error: built.failure.message });
  }
  return built;
}

/** A config problem answers every request with an OpenAI error body that names it; never a stack. */
function configFailure(error: unknown): GatewayError {
  const detail =
    error instanceof ConfigError
      ? error.message
      : `config: could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)}).`;
  return new GatewayError({
    status: 500,
    type: 'server_error',
    code: 'config_error',
    message: `The gateway is misconfigured: ${detail}`,
  });
}
