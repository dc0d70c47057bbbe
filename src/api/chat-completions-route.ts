import { type Context, Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { type ChatRequest, parseChatRequest } from '../canonical/index.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';
import { answerFromCache, cacheHitRecord, lookUpChatCache, storeWhenComplete } from '../policy/chat-cache.ts';
import { assertModelAllowed, type Policy } from '../policy/policy.ts';
import { chatChunksToSse } from '../streaming/chat-chunks-to-sse.ts';
import type { GatewayEnv } from './gateway-env.ts';
import { admitInbound } from './internal/apply-policy.ts';
import { inboundRequestOf } from './internal/inbound-request.ts';
import { logStreamFailure } from './internal/log-stream-failure.ts';
import {
  type ChatAnswer,
  type ChatRun,
  runChatRequest,
  setEventStreamHeaders,
  setOverheadHeader,
} from './internal/run-chat-request.ts';

/**
 * `POST /v1/chat/completions`: canonical in, any provider, canonical out; JSON or SSE. With `policy`: the key's model
 * patterns (403), limits and budgets reserved before the call and settled from the request record when it ends
 * (429/402), and the response cache (`x-switchboard-cache: hit|miss|skip`).
 */
export function chatCompletionsRoute(deps: AppDeps, policy?: Policy): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.post('/v1/chat/completions', async (c) => {
    const startedAt = performance.now();
    const request = parseChatRequest(await readJsonBody(c.req.raw, deps.config.server.bodyLimitBytes));
    if (!policy) {
      return respond(
        await runChatRequest(deps, request, inboundRequestOf(deps, c), { requestId: c.get('requestId') }),
        request,
        startedAt,
        c,
      );
    }
    const keyId = c.get('keyId');
    assertModelAllowed(c.get('virtualKey'), request.model);
    const hold = await admitInbound(deps, policy, c, 'openai-chat', request);
    const lookup = await lookUpChatCache(policy, request, c.req.raw.headers, keyId);
    if (lookup.hit) {
      const record = cacheHitRecord(policy, lookup.hit, request, {
        requestId: c.req.header('x-request-id') ?? c.get('requestId'),
        ...(keyId ? { keyId } : {}),
        inbound: 'openai-chat',
        now: deps.now(),
        latencyMs: Math.round((performance.now() - startedAt) * 100) / 100,
      });
      deps.telemetry?.record(record);
      hold.settleRecord(record);
      const headers = new Headers({ 'x-switchboard-cache': 'hit' });
      if (lookup.hit.provider) headers.set('x-switchboard-provider', lookup.hit.provider);
      headers.set('x-switchboard-overhead-ms', (performance.now() - startedAt).toFixed(2));
      return write(answerFromCache(lookup.hit), headers, request, c);
    }
    const run = await runChatRequest(hold.runDeps, request, inboundRequestOf(deps, c), {
      requestId: c.get('requestId'),
      ...(keyId ? { keyId } : {}),
    });
    run.headers.set('x-switchboard-cache', lookup.mode === 'skip' ? 'skip' : 'miss');
    const origin = { provider: run.candidate.provider.id, model: run.candidate.upstreamModel };
    const maxEntryBytes = deps.config.cache.maxEntryBytes;
    run.answer = storeWhenComplete(policy, lookup, run.answer, origin, hold.background, maxEntryBytes);
    return respond(run, request, startedAt, c);
  });

  function respond(run: ChatRun, request: ChatRequest, startedAt: number, c: Context<GatewayEnv>): Response {
    setOverheadHeader(run, startedAt);
    return write(run.answer, run.headers, request, c, run.candidate.provider.id);
  }

  function write(
    answer: ChatAnswer,
    headers: Headers,
    request: ChatRequest,
    c: Context<GatewayEnv>,
    provider?: string,
  ): Response {
    if (!answer.stream) {
      const body = JSON.stringify(answer.response);
      headers.set('content-type', 'application/json');
      return new Response(body, { status: 200, headers });
    }
    setEventStreamHeaders(headers);
    const body = chatChunksToSse({
      first: answer.first,
      rest: answer.rest,
      includeUsage: request.stream_options?.include_usage === true,
      onEnd: ({ error }) => logStreamFailure(deps, c.get('requestId'), provider, error),
    });
    return new Response(body, { status: 200, headers });
  }
  return app;
}
