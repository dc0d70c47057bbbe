import type { ChatRequest, Usage } from '../canonical/index.ts';
import type { AttemptRecord } from '../routing/execute-with-fallback.ts';
import type { RouteDecision } from '../routing/route-decision.ts';

/** Which client-facing format a request came in. */
export type InboundFormat = 'openai-chat' | 'anthropic-messages' | 'openai-responses' | 'openai-embeddings';

/**
 * One record per request, filled as the request runs and handed to the telemetry sink when it ends (a stream ends
 * when its last chunk was read, it failed, or the client left). Holds prompt and completion text only when
 * `telemetry.log.bodies` is on (`requestBody`, `completionBody`), for the request log alone: metrics, traces and the
 * access log never read them.
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
  /** `telemetry.log.bodies`: the canonical request as JSON (no headers, no keys), cut at `maxBodyBytes`. */
  requestBody?: string;
  /**
   * `telemetry.log.bodies`: the answer as a JSON assistant message (`content`, `tool_calls`), from the whole answer
   * or accumulated from a stream's chunks, cut at `maxBodyBytes`.
   */
  completionBody?: string;
};

/** Who asked and how, for a new record. */
export type RecordContext = { requestId: string; keyId?: string; inbound: InboundFormat; now: number };

/**
 * A chat request's record as it starts: not yet answered (`status` 0), no attempts. The recorder fills it as the
 * request runs; a cache hit completes it at once. Every record starts with the same fields in the same order.
 */
export function startRequestRecord(request: ChatRequest, context: RecordContext): RequestRecord {
  const record: RequestRecord = {
    requestId: context.requestId,
    startedAt: context.now,
    inbound: context.inbound,
    modelAsked: request.model,
    stream: request.stream === true,
    attempts: [],
    status: 0,
    latencyMs: 0,
  };
  if (context.keyId) record.keyId = context.keyId;
  return record;
}

/** What `telemetry.log.bodies` asks the recorder to keep (absent on a sink: no bodies, no text is built). */
export type BodyCapture = { maxBytes: number };

/** Where finished records go (request log, metrics, traces). Must return at once: write off the response path. */
export type TelemetrySink = {
  record(record: RequestRecord): void;
  /** Set when the request log keeps bodies: recorders then fill `requestBody` and `completionBody`. */
  readonly bodies?: BodyCapture;
  /** A stream sent its first chunk (its record arrives through `record` when it ends): streams in flight. */
  streamStarted?(record: RequestRecord): void;
  /**
   * Work still buffered (a batch waiting for its flush), for runtimes that must be told to stay alive for it
   * (Workers' `waitUntil`); undefined when there is none. Never forces an early flush.
   */
  pending?(): Promise<void> | undefined;
  /** Writes what is buffered now, for shutdown; resolves when it is written. */
  flush?(): Promise<void>;
};
