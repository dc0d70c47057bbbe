import { type Context, Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { GatewayError, streamFailure } from '../canonical/index.ts';
import type { Candidate } from '../catalog/model-catalog.ts';
import { toAnthropicErrorBody } from '../middleware/error-handler.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';
import { estimateAnthropicRequest, estimateCountTokensRequest } from '../policy/estimate-request.ts';
import { assertModelAllowed, type Policy } from '../policy/policy.ts';
import { jsonUsageTap, streamUsageTap } from '../policy/relayed-usage.ts';
import { anthropicEventsToSse } from '../providers/anthropic/anthropic-events-to-sse.ts';
import { chunksToAnthropicEvents } from '../providers/anthropic/chunks-to-anthropic-events.ts';
import { convertFromAnthropicRequest } from '../providers/anthropic/convert-from-anthropic-request.ts';
import { convertToAnthropicResponse } from '../providers/anthropic/convert-to-anthropic-response.ts';
import { estimateAnthropicInputTokens } from '../providers/anthropic/estimate-anthropic-input-tokens.ts';
import { invalidAnthropicField, isRecord } from '../providers/anthropic/internal/invalid-anthropic-field.ts';
import { readAnthropicStreamHead, relayAnthropicStream } from '../providers/anthropic/relay-anthropic-stream.ts';
import type { AnthropicForwardCall } from '../providers/provider-adapter.ts';
import type { GatewayEnv } from './gateway-env.ts';
import { admitInbound, type PolicyHold } from './internal/apply-policy.ts';
import { guardedAttempt } from './internal/guarded-attempt.ts';
import { inboundRequestOf } from './internal/inbound-request.ts';
import { logStreamFailure } from './internal/log-stream-failure.ts';
import { planCandidates } from './internal/plan-candidates.ts';
import { resolveCandidates } from './internal/resolve-candidates.ts';
import { runChatRequest, setEventStreamHeaders, setOverheadHeader } from './internal/run-chat-request.ts';
import { runRelayedAttempts } from './internal/run-relayed-attempts.ts';

/**
 * `POST /v1/messages` and `POST /v1/messages/count_tokens` (Anthropic Messages API inbound, wire-formats §4).
 * Two paths:
 * - native: when the model's first upstream speaks Anthropic, the body goes as-is to the model's Anthropic upstreams
 *   (model replaced, provider key, the client's `anthropic-version`/`anthropic-beta`), and their answer, JSON or SSE,
 *   is relayed byte for byte, so `cache_control`, thinking signatures, server tools and betas survive;
 * - translated: otherwise the body becomes a canonical Chat request, runs like any other (retries, failover, late
 *   commit) and the answer is turned back into a Message or the Anthropic event sequence.
 * Errors are Anthropic-shaped (the error handler picks the dialect from the path). See docs/inbound-formats.md.
 * With `policy`, both paths apply the virtual key's models (403), limits and budgets (429/402); the native path
 * settles from the usage in the relayed answer (docs/keys-and-limits.md).
 */
export function messagesRoute(deps: AppDeps, policy?: Policy): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.post('/v1/messages', async (c) => {
    const startedAt = performance.now();
    const body = await readMessagesBody(deps, c.req.raw);
    assertModelAllowed(c.get('virtualKey'), body.model);
    const resolved = resolveCandidates(deps.catalog, body.model, 'chat');
    if (speaksAnthropicNatively(resolved[0])) {
      if (!Array.isArray(body.messages)) throw invalidAnthropicField('messages', 'is required');
      const native = planNative(deps, body.model, resolved);
      const estimate = estimateAnthropicRequest(body, deps.config.limits.defaultMaxTokens);
      const hold = await admitInbound(deps, policy, c, 'anthropic-messages', estimate);
      const call: AnthropicForwardCall = { endpoint: 'messages', body, headers: c.req.raw.headers };
      return hold.guard(forwardNatively(deps, native, call, c, startedAt, hold));
    }

    // Validated before any upstream is planned, so a malformed request is a 400 whatever the upstreams' health.
    const request = convertFromAnthropicRequest(body);
    const hold = await admitInbound(deps, policy, c, 'anthropic-messages', request);
    const run = await runChatRequest(hold.runDeps, request, inboundRequestOf(deps, c), {
      requestId: c.get('requestId'),
      inbound: 'anthropic-messages',
      ...(c.get('keyId') ? { keyId: c.get('keyId') } : {}),
    });
    const { answer, headers } = run;
    const id = deps.generateId('msg_');
    if (!answer.stream) {
      const message = convertToAnthropicResponse(answer.response, { id, model: request.model });
      headers.set('content-type', 'application/json');
      setOverheadHeader(run, startedAt);
      return new Response(JSON.stringify(message), { status: 200, headers });
    }
    setEventStreamHeaders(headers);
    setOverheadHeader(run, startedAt);
    const stream = anthropicEventsToSse({
      first: answer.first,
      rest: answer.rest,
      writer: chunksToAnthropicEvents({ id, model: request.model, generateToolId: () => deps.generateId('toolu_') }),
      errorBody: (error) => toAnthropicErrorBody(streamFailure(error), c.get('requestId')),
      onEnd: ({ error }) => logStreamFailure(deps, c.get('requestId'), run.candidate.provider.id, error),
    });
    return new Response(stream, { status: 200, headers });
  });

  app.post('/v1/messages/count_tokens', async (c) => {
    const body = await readMessagesBody(deps, c.req.raw);
    assertModelAllowed(c.get('virtualKey'), body.model);
    const resolved = resolveCandidates(deps.catalog, body.model, 'chat');
    if (speaksAnthropicNatively(resolved[0])) {
      const native = planNative(deps, body.model, resolved);
      const hold = await admitInbound(deps, policy, c, 'anthropic-messages', estimateCountTokensRequest(body));
      const call: AnthropicForwardCall = { endpoint: 'count_tokens', body, headers: c.req.raw.headers };
      return hold.guard(forwardNatively(deps, native, call, c, performance.now(), hold));
    }
    convertFromAnthropicRequest(body, { requireMaxTokens: false });
    const hold = await admitInbound(deps, policy, c, 'anthropic-messages', estimateCountTokensRequest(body));
    hold.settle(undefined);
    return c.json({ input_tokens: estimateAnthropicInputTokens(body) });
  });

  return app;
}

type MessagesBody = Record<string, unknown> & { model: string };

async function readMessagesBody(deps: AppDeps, raw: Request): Promise<MessagesBody> {
  const body = await readJsonBody(raw, deps.config.server.bodyLimitBytes);
  if (!isRecord(body)) throw invalidAnthropicField('body', 'must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') throw invalidAnthropicField('model', 'is required');
  return body as MessagesBody;
}

function speaksAnthropicNatively(candidate: Candidate | undefined): candidate is Candidate {
  return (
    candidate !== undefined &&
    candidate.provider.type === 'anthropic' &&
    candidate.adapter.forwardAnthropicMessages !== undefined
  );
}

/** The model's healthy Anthropic upstreams (and those of its fallbacks), in order; a 503 when none can take it. */
function planNative(deps: AppDeps, model: string, resolved: Candidate[]): Candidate[] {
  const native = planCandidates(deps, model, resolved).filter(speaksAnthropicNatively);
  if (native.length > 0) return native;
  throw new GatewayError({
    status: 503,
    type: 'server_error',
    code: 'no_healthy_provider',
    message: `No Anthropic provider for '${model}' can take requests right now.`,
    isRetryable: true,
  });
}

type NativeAnswer =
  | { stream: false; bytes: Uint8Array<ArrayBuffer>; contentType: string }
  | { stream: true; head: Uint8Array[]; rest: ReadableStreamDefaultReader<Uint8Array> };

/**
 * The pass-through, with the same attempt loop, deadline and health model as translated requests. A JSON answer is
 * read whole inside the attempt, a stream up to its first whole event, so an upstream that fails before answering
 * (an HTTP error, or an `event: error` first) is retried or failed over and reaches the client as a real status.
 */
async function forwardNatively(
  deps: AppDeps,
  candidates: Candidate[],
  call: AnthropicForwardCall,
  c: Context<GatewayEnv>,
  startedAt: number,
  hold: PolicyHold,
): Promise<Response> {
  const requestId = c.get('requestId');
  const run = await runRelayedAttempts(deps, candidates, inboundRequestOf(deps, c), startedAt, (candidate, signal) =>
    attemptNative(deps, candidate, call, signal),
  );
  const { value: answer, headers, origin } = run;
  if (!answer.stream) {
    headers.set('content-type', answer.contentType);
    // count_tokens answers carry no usage: only the request counts.
    const tap = jsonUsageTap('anthropic-messages');
    if (call.endpoint === 'messages') tap.feed(answer.bytes);
    hold.settle(tap.usage(), origin);
    return new Response(answer.bytes, { status: 200, headers });
  }
  setEventStreamHeaders(headers);
  const stream = relayAnthropicStream({
    head: answer.head,
    rest: answer.rest,
    errorBody: (error) => toAnthropicErrorBody(streamFailure(error), requestId),
    onEnd: ({ error }) => logStreamFailure(deps, requestId, run.candidate.provider.id, error),
  });
  return new Response(hold.meter(stream, streamUsageTap('anthropic-messages'), origin), { status: 200, headers });
}

/** One native attempt: health, the first-byte timeout for streams and the record, like translated attempts. */
function attemptNative(
  deps: AppDeps,
  candidate: Candidate,
  call: AnthropicForwardCall,
  signal: AbortSignal,
): Promise<NativeAnswer> {
  const forward = candidate.adapter.forwardAnthropicMessages;
  if (!forward) throw new Error(`Provider '${candidate.provider.id}' cannot forward Anthropic messages.`);
  const stream = call.body.stream === true;
  const { firstByteTimeoutMs } = deps.config.routing;
  return guardedAttempt(deps, candidate, signal, stream ? { firstByteTimeoutMs } : {}, async (attemptSignal) => {
    const response = await forward(
      candidate.provider,
      { ...call, body: { ...call.body, model: candidate.upstreamModel } },
      { fetch: deps.fetch, signal: attemptSignal, now: deps.now, generateId: deps.generateId },
    );
    return readCommitted(response, candidate, stream);
  });
}

async function readCommitted(response: Response, candidate: Candidate, stream: boolean): Promise<NativeAnswer> {
  const contentType = response.headers.get('content-type') ?? 'application/json';
  // A body cut while it is read becomes a retryable provider error in `guardedAttempt`.
  if (!stream || !contentType.includes('text/event-stream') || !response.body) {
    return { stream: false, bytes: new Uint8Array(await response.arrayBuffer()), contentType };
  }
  return { stream: true, ...(await readAnthropicStreamHead(response.body, candidate.provider)) };
}
