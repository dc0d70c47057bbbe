import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { GatewayError } from '../canonical/index.ts';
import type { Candidate } from '../catalog/model-catalog.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';
import { estimateResponsesRequest } from '../policy/estimate-request.ts';
import { assertModelAllowed, type Policy } from '../policy/policy.ts';
import { jsonUsageTap, streamUsageTap } from '../policy/relayed-usage.ts';
import { createResponsesEventBuilder } from '../providers/openai-responses/chunks-to-responses-events.ts';
import { chunksToResponsesSse } from '../providers/openai-responses/chunks-to-responses-sse.ts';
import {
  convertFromResponsesRequest,
  findNativeOnlyFeature,
} from '../providers/openai-responses/convert-from-responses-request.ts';
import { convertToResponsesResponse } from '../providers/openai-responses/convert-to-responses-response.ts';
import { isRecord } from '../providers/openai-responses/internal/invalid-responses-field.ts';
import { responsesEchoFrom } from '../providers/openai-responses/internal/responses-echo.ts';
import type { GatewayEnv } from './gateway-env.ts';
import { admitInbound, type PolicyHold } from './internal/apply-policy.ts';
import { guardedAttempt } from './internal/guarded-attempt.ts';
import { type InboundRequest, inboundRequestOf } from './internal/inbound-request.ts';
import { logStreamFailure } from './internal/log-stream-failure.ts';
import { planCandidates } from './internal/plan-candidates.ts';
import { resolveCandidates } from './internal/resolve-candidates.ts';
import { runChatRequest, setEventStreamHeaders, setOverheadHeader } from './internal/run-chat-request.ts';
import { runRelayedAttempts } from './internal/run-relayed-attempts.ts';

/**
 * `POST /v1/responses` (OpenAI Responses API, wire-formats §2). Two paths:
 * - native: when the model's first upstream speaks the real Responses API (`adapter.responses.supports`), or the
 *   request needs it (`previous_response_id`, built-in tools …) and some upstream of the model does, the body goes
 *   as-is to those upstreams (model replaced, provider key) and their answer is relayed byte for byte;
 * - translated: otherwise the body becomes a canonical Chat request, runs like any other (retries, failover, late
 *   commit), and the answer is turned back into a Response object or Responses stream events.
 * Errors are OpenAI-shaped (the error handler). With `policy`, both paths apply the virtual key's models (403), limits
 * and budgets (429/402); the native path settles from the usage in the relayed answer (docs/keys-and-limits.md).
 */
export function responsesRoute(deps: AppDeps, policy?: Policy): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.post('/v1/responses', async (c) => {
    const startedAt = performance.now();
    const body = await readJsonBody(c.req.raw, deps.config.server.bodyLimitBytes);
    if (!isRecord(body)) {
      throw new GatewayError({
        status: 400,
        code: 'invalid_request',
        message: 'The request body must be a JSON object.',
      });
    }
    if (typeof body.model !== 'string' || body.model === '') {
      throw new GatewayError({
        status: 400,
        code: 'missing_required_parameter',
        param: 'model',
        message: "'model' is required.",
      });
    }
    assertModelAllowed(c.get('virtualKey'), body.model);
    const candidates = planCandidates(deps, body.model, resolveCandidates(deps.catalog, body.model, 'chat'));
    const native = candidates.filter((candidate) => candidate.adapter.responses?.supports(candidate.provider));
    const nativeOnly = findNativeOnlyFeature(body);
    if (native.length > 0 && (native[0] === candidates[0] || nativeOnly)) {
      const estimate = estimateResponsesRequest(body, deps.config.limits.defaultMaxTokens);
      const hold = await admitInbound(deps, policy, c, 'openai-responses', estimate);
      return hold.guard(forwardNatively(deps, native, body, inboundRequestOf(deps, c), startedAt, hold));
    }
    if (nativeOnly) {
      throw new GatewayError({
        status: 400,
        code: 'unsupported_parameter',
        param: nativeOnly.param,
        message: nativeOnly.message,
      });
    }

    const request = convertFromResponsesRequest(body);
    const hold = await admitInbound(deps, policy, c, 'openai-responses', request);
    const run = await runChatRequest(hold.runDeps, request, inboundRequestOf(deps, c), {
      requestId: c.get('requestId'),
      inbound: 'openai-responses',
      ...(c.get('keyId') ? { keyId: c.get('keyId') } : {}),
    });
    const { answer, headers } = run;
    const context = {
      id: deps.generateId('resp_'),
      createdAt: Math.floor(deps.now() / 1000),
      echo: responsesEchoFrom(body),
      generateId: deps.generateId,
    };
    if (!answer.stream) {
      const text = JSON.stringify(convertToResponsesResponse(answer.response, context));
      headers.set('content-type', 'application/json');
      setOverheadHeader(run, startedAt);
      return new Response(text, { status: 200, headers });
    }
    setEventStreamHeaders(headers);
    setOverheadHeader(run, startedAt);
    const stream = chunksToResponsesSse({
      first: answer.first,
      rest: answer.rest,
      builder: createResponsesEventBuilder(context),
      onEnd: ({ error }) => logStreamFailure(deps, c.get('requestId'), run.candidate.provider.id, error),
    });
    return new Response(stream, { status: 200, headers });
  });
  return app;
}

type NativeAnswer = {
  response: Response;
  first?: Uint8Array<ArrayBuffer>;
  rest?: ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>>;
};

/**
 * The pass-through: same attempt loop and deadline as translated requests. A JSON answer is read whole inside the
 * attempt; a stream's first bytes are, so an upstream that fails before answering is retried or failed over.
 */
async function forwardNatively(
  deps: AppDeps,
  candidates: Candidate[],
  body: Record<string, unknown>,
  client: InboundRequest,
  startedAt: number,
  hold: PolicyHold,
): Promise<Response> {
  const run = await runRelayedAttempts(deps, candidates, client, startedAt, (candidate, signal) =>
    attemptNative(deps, candidate, body, signal),
  );
  const { response, first, rest } = run.value;
  const { headers, origin } = run;
  headers.set('content-type', response.headers.get('content-type') ?? 'application/json');
  if (!rest) {
    const tap = jsonUsageTap('openai-responses');
    if (first) tap.feed(first);
    hold.settle(tap.usage(), origin);
    return new Response(first ?? null, { status: 200, headers });
  }
  setEventStreamHeaders(headers);
  const relayed = relay(first as Uint8Array<ArrayBuffer>, rest, run.candidate);
  return new Response(hold.meter(relayed, streamUsageTap('openai-responses'), origin), { status: 200, headers });
}

/** One native attempt: health, the first-byte timeout for streams and the record, like translated attempts. */
function attemptNative(
  deps: AppDeps,
  candidate: Candidate,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Promise<NativeAnswer> {
  const forward = candidate.adapter.responses?.forward;
  if (!forward) throw new Error(`Provider '${candidate.provider.id}' has no native Responses support.`);
  const { firstByteTimeoutMs } = deps.config.routing;
  const options = body.stream === true ? { firstByteTimeoutMs } : {};
  return guardedAttempt(deps, candidate, signal, options, async (attemptSignal) => {
    const response = await forward(
      candidate.provider,
      { ...body, model: candidate.upstreamModel },
      { fetch: deps.fetch, signal: attemptSignal, now: deps.now, generateId: deps.generateId },
    );
    return readCommitted(response, candidate);
  });
}

async function readCommitted(response: Response, candidate: Candidate): Promise<NativeAnswer> {
  const isStream = (response.headers.get('content-type') ?? '').includes('text/event-stream');
  if (!response.body) throw emptyAnswer(candidate);
  if (!isStream) return { response, first: new Uint8Array(await response.arrayBuffer()) };
  const reader = response.body.getReader();
  try {
    const { done, value } = await reader.read();
    if (done) throw emptyAnswer(candidate);
    return { response, first: value, rest: reader };
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    // A body cut while it is read becomes a retryable provider error in `guardedAttempt`.
    throw error;
  }
}

/**
 * Relays the upstream's SSE bytes unchanged. If the upstream connection breaks after the first byte, an `error`
 * event ends the stream (the upstream's own `response.failed` never came), never a silent close.
 */
function relay(
  first: Uint8Array<ArrayBuffer>,
  rest: ReadableStreamDefaultReader<Uint8Array<ArrayBuffer>>,
  candidate: Candidate,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(first);
    },
    async pull(controller) {
      try {
        const { done, value } = await rest.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch {
        const error = {
          type: 'server_error',
          code: 'upstream_connection_lost',
          message: `Provider '${candidate.provider.id}' dropped the connection mid-stream.`,
          param: null,
        };
        const data = JSON.stringify({ ...error, type: 'error', error });
        controller.enqueue(new TextEncoder().encode(`\n\nevent: error\ndata: ${data}\n\n`));
        controller.close();
      }
    },
    async cancel(reason) {
      await rest.cancel(reason).catch(() => undefined);
    },
  });
}

function emptyAnswer(candidate: Candidate): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'empty_stream',
    message: `Provider '${candidate.provider.id}' answered without a body.`,
    provider: candidate.provider.id,
    isRetryable: true,
  });
}
