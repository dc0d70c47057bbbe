import type { AppDeps } from '../../app-deps.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { Candidate } from '../../catalog/model-catalog.ts';
import { type AttemptRecord, executeWithFallback } from '../../routing/execute-with-fallback.ts';
import { createRequestDeadline } from './request-deadline.ts';
import { resolveCandidates } from './resolve-candidates.ts';

/** What one canonical chat request produced: a whole completion, or a stream whose first chunk is already read. */
export type ChatAnswer =
  | { stream: false; response: ChatCompletion }
  | { stream: true; first: ChatCompletionChunk; rest: ReadableStreamDefaultReader<ChatCompletionChunk> };

export type ChatRun = {
  answer: ChatAnswer;
  candidate: Candidate;
  attempts: AttemptRecord[];
  /** Milliseconds spent waiting on upstreams (attempts and backoffs), excluded from the overhead. */
  upstreamMs: number;
  /** `x-switchboard-provider`, `x-switchboard-attempts`; the route adds its content type and the overhead. */
  headers: Headers;
};

/**
 * Runs a canonical chat request through the attempt loop, for every inbound format: resolves the model (404 with
 * the closest ids), applies one deadline to every attempt, and for streams reads the first chunk inside the attempt,
 * so an upstream that fails before any content is retried or failed over instead of committing a 200. The deadline
 * covers reaching the answer (the first chunk for streams); a started stream then runs to its own end.
 */
export async function runChatRequest(deps: AppDeps, request: ChatRequest, raw: Request): Promise<ChatRun> {
  const candidates = resolveCandidates(deps.catalog, request.model);
  const deadline = createRequestDeadline(raw, deps.config.routing.timeoutMs, deps.now);
  const startedAt = performance.now();
  try {
    const result = await executeWithFallback(
      candidates,
      (candidate, signal) => callUpstream(deps, candidate, request, signal),
      { retries: deps.config.routing.retries, signal: deadline.signal, deadlineAt: deadline.deadlineAt, now: deps.now },
    );
    return {
      answer: result.value,
      candidate: result.candidate,
      attempts: result.attempts,
      upstreamMs: performance.now() - startedAt,
      headers: new Headers({
        'x-switchboard-provider': result.candidate.provider.id,
        'x-switchboard-attempts': String(result.attempts.length),
      }),
    };
  } finally {
    deadline.clear();
  }
}

/** Sets `x-switchboard-overhead-ms`: time since `startedAt` minus time spent on upstreams. */
export function setOverheadHeader(run: ChatRun, startedAt: number): void {
  run.headers.set('x-switchboard-overhead-ms', Math.max(0, performance.now() - startedAt - run.upstreamMs).toFixed(2));
}

/** Headers for an SSE response. */
export function setEventStreamHeaders(headers: Headers): void {
  headers.set('content-type', 'text/event-stream; charset=utf-8');
  headers.set('cache-control', 'no-cache');
  headers.set('x-accel-buffering', 'no');
}

async function callUpstream(
  deps: AppDeps,
  candidate: Candidate,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<ChatAnswer> {
  const upstreamRequest =
    request.model === candidate.upstreamModel ? request : { ...request, model: candidate.upstreamModel };
  const result = await candidate.adapter
    .chatCompletion(candidate.provider, upstreamRequest, {
      fetch: deps.fetch,
      signal,
      now: deps.now,
      generateId: deps.generateId,
    })
    .catch((error: unknown) => {
      throw asUpstreamError(error, candidate, signal);
    });
  if (!result.stream) return { stream: false, response: result.response };
  const reader = result.chunks.getReader();
  try {
    const { done, value } = await reader.read();
    if (done) {
      throw new GatewayError({
        status: 502,
        type: 'upstream_error',
        code: 'empty_stream',
        message: `Provider '${candidate.provider.id}' ended the stream without any content.`,
        provider: candidate.provider.id,
        isRetryable: true,
      });
    }
    return { stream: true, first: value, rest: reader };
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw asUpstreamError(error, candidate, signal);
  }
}

/**
 * A body that breaks while it is read (fetch's bare `TypeError: terminated` on a dropped connection) is the
 * upstream's failure: a retryable 502, so the attempt loop can fail over. Aborts keep their own meaning.
 */
function asUpstreamError(error: unknown, candidate: Candidate, signal: AbortSignal): unknown {
  if (error instanceof GatewayError || signal.aborted || !isBrokenBody(error)) return error;
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'upstream_connection_lost',
    message: `Provider '${candidate.provider.id}' dropped the connection: ${error instanceof Error ? error.message : String(error)}`,
    provider: candidate.provider.id,
    isRetryable: true,
    cause: error,
  });
}

/** fetch reports a body cut mid-read as `TypeError: terminated` (or with the socket error as its cause). */
function isBrokenBody(error: unknown): boolean {
  return error instanceof TypeError && (error.message === 'terminated' || error.cause instanceof Error);
}
