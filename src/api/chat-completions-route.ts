import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../canonical/index.ts';
import { GatewayError, parseChatRequest } from '../canonical/index.ts';
import type { Candidate } from '../catalog/model-catalog.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';
import { executeWithFallback } from '../routing/execute-with-fallback.ts';
import { chatChunksToSse } from '../streaming/chat-chunks-to-sse.ts';
import type { GatewayEnv } from './gateway-env.ts';
import { createRequestDeadline } from './internal/request-deadline.ts';
import { resolveCandidates } from './internal/resolve-candidates.ts';

type Answer =
  | { stream: false; response: ChatCompletion }
  | { stream: true; first: ChatCompletionChunk; rest: ReadableStreamDefaultReader<ChatCompletionChunk> };

/** `POST /v1/chat/completions`: canonical in, any provider, canonical out; JSON or SSE. */
export function chatCompletionsRoute(deps: AppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.post('/v1/chat/completions', async (c) => {
    const startedAt = performance.now();
    const request = parseChatRequest(await readJsonBody(c.req.raw, deps.config.server.bodyLimitBytes));
    const candidates = resolveCandidates(deps.catalog, request.model);
    const deadline = createRequestDeadline(c.req.raw, deps.config.routing.timeoutMs, deps.now);
    let upstreamMs = 0;
    try {
      const upstreamStartedAt = performance.now();
      const result = await executeWithFallback(
        candidates,
        (candidate, signal) => callUpstream(deps, candidate, request, signal),
        {
          retries: deps.config.routing.retries,
          signal: deadline.signal,
          deadlineAt: deadline.deadlineAt,
          now: deps.now,
        },
      );
      upstreamMs = performance.now() - upstreamStartedAt;
      const headers = new Headers({
        'x-switchboard-provider': result.candidate.provider.id,
        'x-switchboard-attempts': String(result.attempts.length),
      });
      const answer = result.value;
      if (!answer.stream) {
        deadline.clear();
        headers.set('content-type', 'application/json');
        const body = JSON.stringify(answer.response);
        headers.set('x-switchboard-overhead-ms', (performance.now() - startedAt - upstreamMs).toFixed(2));
        return new Response(body, { status: 200, headers });
      }
      // Committed: the deadline covered reaching the first chunk; from here the stream runs to its own end.
      deadline.clear();
      headers.set('content-type', 'text/event-stream; charset=utf-8');
      headers.set('cache-control', 'no-cache');
      headers.set('x-accel-buffering', 'no');
      headers.set('x-switchboard-overhead-ms', (performance.now() - startedAt - upstreamMs).toFixed(2));
      const body = chatChunksToSse({
        first: answer.first,
        rest: answer.rest,
        includeUsage: request.stream_options?.include_usage === true,
        onEnd: ({ error }) => {
          if (error) {
            deps.logger.warn('stream_failed_after_start', {
              requestId: c.get('requestId'),
              provider: result.candidate.provider.id,
              error: error instanceof Error ? error.message : String(error),
            });
          }
        },
      });
      return new Response(body, { status: 200, headers });
    } catch (error) {
      deadline.clear();
      throw error;
    }
  });
  return app;
}

/**
 * One attempt. For a stream the first chunk is read here, so an upstream that fails before any content is still
 * a failed attempt (retry, failover or a real error status) rather than a 200 with an error inside.
 */
async function callUpstream(
  deps: AppDeps,
  candidate: Candidate,
  request: ChatRequest,
  signal: AbortSignal,
): Promise<Answer> {
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
