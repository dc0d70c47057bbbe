import type { DurableObjectNamespaceLike } from '../../state/durable-object/durable-object-bindings.ts';
import type { KvNamespaceLike } from '../../state/workers-kv/workers-kv-key-value-store.ts';

/**
 * The Worker's bindings as Switchboard reads them. Every variable is optional: with no `SWITCHBOARD_CONFIG` the
 * gateway configures itself from provider key secrets (OPENAI_API_KEY, ANTHROPIC_API_KEY, …), as on Node.
 */
export type WorkerEnv = {
  /** The whole gateway config, YAML or JSON, as one var (the content of `switchboard.yaml`). */
  SWITCHBOARD_CONFIG?: string;
  /** Comma-separated gateway keys clients must send as `Authorization: Bearer …`. */
  SWITCHBOARD_API_KEYS?: string;
  /** One more gateway key, convenient as a single `wrangler secret put`. */
  WORKER_API_KEY?: string;
  /** Counters (rate limits, budgets): the `CounterDurableObject` namespace; absent: per-isolate memory. */
  SWITCHBOARD_COUNTERS?: DurableObjectNamespaceLike;
  /** Shared key/values (breakers, cache, keys): a KV namespace; absent: per-isolate memory. */
  SWITCHBOARD_KV?: KvNamespaceLike;
  /** Provider keys and any variable the config names as `${NAME}`; non-string bindings (KV, DO) are ignored. */
  [name: string]: unknown;
};

/**
 * The string variables of the Worker env as the record `parseGatewayConfig` reads. Local-server probing is always
 * off: a Worker cannot reach Ollama or LM Studio on the operator's machine.
 */
export function toConfigEnvironment(env: WorkerEnv): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') record[name] = value;
  record.SWITCHBOARD_PROBE_LOCAL = 'false';
  return record;
}

/** Identifies one set of vars and secrets: the gateway is rebuilt when (and only when) this changes. */
export function environmentFingerprint(environment: Record<string, string>): string {
  return JSON.stringify(Object.entries(environment).sort(([left], [right]) => (left < right ? -1 : 1)));
}
