import type { AppDeps } from '../../app-deps.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { Candidate } from '../../catalog/model-catalog.ts';
import { type AttemptRecord, executeWithFallback } from '../../routing/execute-with-fallback.ts';
import { hedgeAttempt } from '../../routing/hedge-attempt.ts';
import { readProviderPreferences } from '../../routing/provider-preferences.ts';
import { formatRouteHeader } from '../../routing/route-decision.ts';
import { type ChunkReader, observeChunkReader } from '../../streaming/observe-chunk-reader.ts';
import { tapChunkReader } from '../../streaming/tap-chunk-reader.ts';
import { priceCatalogFor } from '../../telemetry/price-catalog.ts';
import type { InboundFormat, RequestRecord } from '../../telemetry/request-record.ts';
import { RequestRecorder } from '../../telemetry/request-recorder.ts';
import { guardedAttempt } from './guarded-attempt.ts';
import type { InboundRequest } from './inbound-request.ts';
import { createRequestDeadline } from './request-deadline.ts';
import { type ChatRoute, routeChatRequest } from './route-chat-request.ts';

/** What one canonical chat request produced: a whole completion, or a stream whose first chunk is already read. */
export type ChatAnswer =
  | { stream: false; response: ChatCompletion }
  | { stream: true; first: ChatCompletionChunk; rest: ChunkReader<ChatCompletionChunk> };

export type ChatRun = {
  answer: ChatAnswer;
  candidate: Candidate;
  attempts: AttemptRecord[];
  /** Milliseconds spent waiting on upstreams (attempts and backoffs), excluded from the overhead. */
  upstreamMs: number;
  /** `x-switchboard-provider`, `x-switchboard-attempts`; the route adds its content type and the overhead. */
  headers: Headers;
};

type Attempted = { answer: ChatAnswer; candidate: Candidate };

/** Who asked and how, for the request record. */
export type RunOptions = { requestId?: string; keyId?: string; inbound?: InboundFormat };

/**
 * Runs a canonical chat request through the attempt loop, for every inbound format: resolves the model (404 with
 * the closest ids) and its fallbacks, skips unhealthy upstreams, applies one deadline to every attempt and a
 * first-byte timeout to each, and for streams reads the first chunk inside the attempt, so an upstream that fails
 * before any content is retried or failed over instead of committing a 200. A started stream then runs to its own
 * end, watched by an idle timeout between chunks. Hedges the first attempt when asked.
 */
export async function runChatRequest(
  deps: AppDeps,
  request: ChatRequest,
  client: InboundRequest,
  options: RunOptions = {},
): Promise<ChatRun> {
  const recorder = new RequestRecorder(deps.telemetry, request, {
    requestId: options.requestId ?? client.raw.headers.get('x-request-id') ?? deps.generateId('req_'),
    ...(options.keyId ? { keyId: options.keyId } : {}),
    inbound: options.inbound ?? 'openai-chat',
    now: deps.now(),
  });
  let deadline: ReturnType<typeof createRequestDeadline> | undefined;
  try {
    const { headers } = client.raw;
    const route = routeChatRequest(deps, request, headers, readProviderPreferences(request.provider, headers));
    recorder.record.route = route.decision;
    const candidates = route.candidates;
    // Routing preferences are the gateway's: no upstream sees them.
    const { provider: _preferences, ...upstreamRequest } = request;
    deadline = createRequestDeadline(deps, client);
    const startedAt = performance.now();
    const attemptOnce = (candidate: Candidate, signal: AbortSignal) =>
      attempt(deps, candidate, upstreamRequest as ChatRequest, signal);
    const hedgeDelayMs = hedgeDelayFor(deps, request.model, headers, candidates);
    const result = await executeWithFallback(
      candidates,
      (candidate, signal) => {
        const backup = candidates[1];
        if (hedgeDelayMs === undefined || candidate !== candidates[0] || !backup) return attemptOnce(candidate, signal);
        return hedgeAttempt(
          (primarySignal) => attemptOnce(candidate, primarySignal),
          (backupSignal) => attemptOnce(backup, backupSignal),
          { delayMs: hedgeDelayMs, signal, discard: discardAnswer },
        );
      },
      { retries: deps.config.routing.retries, signal: deadline.signal, deadlineAt: deadline.deadlineAt, now: deps.now },
    );
    const { candidate } = result.value;
    const upstreamMs = performance.now() - startedAt;
    const record = recorder.record;
    record.provider = candidate.provider.id;
    record.modelUsed = candidate.upstreamModel;
    record.attempts = result.attempts;
    record.status = 200;
    const price = priceCatalogFor(deps).priceOf(candidate.provider.id, candidate.upstreamModel);
    if (price) recorder.setPrice(price);
    route.decision.chosen = {
      provider: candidate.provider.id,
      model: candidate.upstreamModel,
      servedAs: route.servedAs(candidate),
      attempts: result.attempts.length,
    };
    record.timeToFirstTokenMs = Math.round(recorder.elapsed() * 100) / 100;
    record.overheadMs = Math.max(0, Math.round((recorder.elapsed() - upstreamMs) * 100) / 100);
    let answer = result.value.answer;
    const streamStartedAt = performance.now();
    if (answer.stream) {
      recorder.observeChunk(answer.first);
      answer = {
        ...answer,
        rest: tapChunkReader(answer.rest, {
          onChunk: (chunk) => recorder.observeChunk(chunk),
          onEnd: (outcome) => {
            recorder.finish(outcome);
            if (!outcome.error && !outcome.cancelled) observeThroughput(deps, candidate, record, streamStartedAt);
          },
        }),
      };
    } else {
      const message = answer.response.choices[0]?.message;
      recorder.finish({
        usage: answer.response.usage,
        completionText: message?.content ?? '',
        ...(message ? { message } : {}),
      });
      observeThroughput(deps, candidate, record, startedAt);
    }
    return {
      answer,
      candidate,
      attempts: result.attempts,
      upstreamMs,
      headers: answerHeaders(candidate, route, record),
    };
  } catch (error) {
    const attempts = (error as { attempts?: AttemptRecord[] }).attempts;
    if (attempts) recorder.record.attempts = attempts;
    recorder.finish({ error });
    throw error;
  } finally {
    deadline?.clear();
  }
}

/**
 * `x-switchboard-provider`, `-attempts`, `-model` (the model that answered, as the client may name it: a group's or
 * `auto`'s choice), `-route` (provider, model, strategy, attempts, reason) and, for whole answers, `-cost-usd`. A
 * stream's cost is known only at its end, after the headers: it is in the request record (docs/routing.md).
 */
function answerHeaders(candidate: Candidate, route: ChatRoute, record: RequestRecord): Headers {
  const attempts = record.attempts.length;
  const chosen = route.decision.candidates.find(
    (entry) => entry.provider === candidate.provider.id && entry.model === candidate.upstreamModel,
  );
  const reason = [chosen?.reason, attempts > 1 ? `after ${attempts - 1} failed attempt(s)` : '']
    .filter(Boolean)
    .join(', ');
  const headers = new Headers({
    'x-switchboard-provider': candidate.provider.id,
    'x-switchboard-attempts': String(attempts),
    'x-switchboard-model': route.servedAs(candidate),
    'x-switchboard-route': formatRouteHeader({
      provider: candidate.provider.id,
      model: candidate.upstreamModel,
      strategy: route.decision.strategy,
      attempts,
      ...(reason ? { reason } : {}),
    }),
  });
  if (!record.stream && record.costUsd !== undefined) headers.set('x-switchboard-cost-usd', record.costUsd.toFixed(9));
  return headers;
}

/** Completion tokens over the time since `since`, for the throughput statistics strategies read. */
function observeThroughput(deps: AppDeps, candidate: Candidate, record: RequestRecord, since: number): void {
  if (record.usageSource !== 'upstream' || !record.usage) return;
  deps.health.recordThroughput(
    { providerId: candidate.provider.id, model: candidate.upstreamModel },
    record.usage.completion_tokens,
    performance.now() - since,
  );
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

/** The hedge delay when this request is hedged (config `routing.hedging` or `x-switchboard-hedge: on`). */
function hedgeDelayFor(deps: AppDeps, model: string, headers: Headers, candidates: Candidate[]): number | undefined {
  if (candidates.length < 2) return undefined;
  const asked = headers.get('x-switchboard-hedge');
  if (asked === 'off') return undefined;
  const hedging = deps.config.routing.hedging;
  if (asked !== 'on' && !hedging.models.includes(model)) return undefined;
  if (hedging.delayMs !== undefined) return hedging.delayMs;
  // Without a fixed delay: twice the first candidate's typical latency, a stand-in for its p95.
  const first = candidates[0] as Candidate;
  const latency = deps.health.latencyOf({ providerId: first.provider.id, model: first.upstreamModel });
  return latency === undefined ? 1_000 : Math.max(50, Math.round(latency * 2));
}

/**
 * One attempt at one upstream (`guardedAttempt`: health, the first-byte timeout for streams, the record); a stream's
 * later failure and its idle timeout are watched by the reader it returns.
 */
async function attempt(
  deps: AppDeps,
  candidate: Candidate,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<Attempted> {
  const { firstByteTimeoutMs, idleTimeoutMs } = deps.config.routing;
  // Streams only: a stream should show its first chunk soon, but a whole answer legitimately takes as long as the
  // generation does (an upstream sends its headers with it), and cutting it would bill a second generation.
  const answer = await guardedAttempt(
    deps,
    candidate,
    signal,
    request.stream === true ? { firstByteTimeoutMs } : {},
    (attemptSignal) => callUpstream(deps, candidate, request, attemptSignal),
  );
  if (!answer.stream) return { answer, candidate };
  const target = { providerId: candidate.provider.id, model: candidate.upstreamModel };
  const rest = observeChunkReader(answer.rest, {
    idleTimeoutMs,
    idleError: () =>
      new GatewayError({
        status: 504,
        type: 'timeout_error',
        code: 'stream_idle_timeout',
        message: `Provider '${candidate.provider.id}' sent nothing for ${idleTimeoutMs} ms mid-stream.`,
        provider: candidate.provider.id,
        isRetryable: false,
      }),
    onEnd: ({ error }) => {
      if (error !== undefined) deps.health.recordFailure(target, error);
    },
  });
  return { answer: { ...answer, rest }, candidate };
}

/** A hedged answer that lost the race: cancel its stream so the upstream stops generating. */
function discardAnswer(attempted: Attempted): void {
  if (attempted.answer.stream) void attempted.answer.rest.cancel().catch(() => undefined);
}

type RawAnswer =
  | { stream: false; response: ChatCompletion }
  | { stream: true; first: ChatCompletionChunk; rest: ReadableStreamDefaultReader<ChatCompletionChunk> };

async function callUpstream(
  deps: AppDeps,
  candidate: Candidate,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<RawAnswer> {
  const upstreamRequest =
    request.model === candidate.upstreamModel ? request : { ...request, model: candidate.upstreamModel };
  const result = await candidate.adapter.chatCompletion(candidate.provider, upstreamRequest, {
    fetch: deps.fetch,
    signal,
    now: deps.now,
    generateId: deps.generateId,
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
    throw error;
  }
}
