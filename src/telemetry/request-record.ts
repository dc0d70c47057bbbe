import type { Usage } from '../canonical/index.ts';
import type { AttemptRecord } from '../routing/execute-with-fallback.ts';
import type { RouteDecision } from '../routing/route-decision.ts';

/** Which client-facing format a request came in. */
export type InboundFormat = 'openai-chat' | 'anthropic-messages' | 'openai-responses' | 'openai-embeddings';

/**
 * One record per request, filled as the request runs and handed to the telemetry sink when it ends (a stream ends
 * when its last chunk was read, it failed, or the client left). Never holds prompt or completion text.
 */
export type RequestRecord = {
  requestId: string;
  /** Milliseconds since the epoch when the gateway started on it. */
  startedAt: number;
  /** The gateway key's id (virtual keys) when the request carried one. */
  keyId?: string;
  inbound: InboundFormat;
  modelAsked: string;
  stream: boolean;
  provider?: string;
  modelUsed?: string;
  attempts: AttemptRecord[];
  /** The status the client saw (200 for a stream that failed after it started; `error` says so). */
  status: number;
  latencyMs: number;
  /** Time to the first chunk (streams) or to the answer (non-stream). */
  timeToFirstTokenMs?: number;
  /** The gateway's own time: latency minus time spent on upstreams. */
  overheadMs?: number;
  usage?: Usage;
  usageSource?: 'upstream' | 'estimated';
  costUsd?: number;
  cacheHit?: boolean;
  /** How the request was routed: strategy, candidates in order with reasons, exclusions, the choice. */
  route?: RouteDecision;
  /** On a cache hit: what the answer would have cost from the upstream (its usage at today's price). */
  cacheSavedUsd?: number;
  error?: { type: string; code: string | null; message: string };
  /** True when the client went away before the end. */
  cancelled?: boolean;
};

/** Where finished records go (request log, metrics, traces). Must return at once: write off the response path. */
export type TelemetrySink = {
  record(record: RequestRecord): void;
  /** A stream sent its first chunk (its record arrives through `record` when it ends): streams in flight. */
  streamStarted?(record: RequestRecord): void;
  /**
   * Work still buffered (a batch waiting for its flush), for runtimes that must be told to stay alive for it
   * (Workers' `waitUntil`); undefined when there is none. Never forces an early flush.
   */
  pending?(): Promise<void> | undefined;
};
