import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { encodeEmbeddingBase64 } from '../canonical/embedding-base64.ts';
import type { EmbeddingsRequest } from '../canonical/embeddings-request.ts';
import type { EmbeddingsResponse } from '../canonical/embeddings-response.ts';
import { GatewayError } from '../canonical/index.ts';
import { parseEmbeddingsRequest } from '../canonical/parse-embeddings-request.ts';
import type { Candidate } from '../catalog/model-catalog.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';
import { estimateEmbeddingsRequest } from '../policy/estimate-request.ts';
import { assertModelAllowed, type Policy } from '../policy/policy.ts';
import type { EmbeddingsResult } from '../providers/provider-adapter.ts';
import type { GatewayEnv } from './gateway-env.ts';
import { admitInbound } from './internal/apply-policy.ts';
import { guardedAttempt } from './internal/guarded-attempt.ts';
import { inboundRequestOf } from './internal/inbound-request.ts';
import { planCandidates } from './internal/plan-candidates.ts';
import { resolveCandidates } from './internal/resolve-candidates.ts';
import { runRelayedAttempts } from './internal/run-relayed-attempts.ts';

/**
 * `POST /v1/embeddings` (wire-formats §3): OpenAI's request in, any provider whose format embeds, OpenAI's response
 * out. Only embedding models are candidates (a chat model is a 404 naming the embedding models); the attempt loop,
 * the deadline and the `x-switchboard-*` headers are the chat endpoint's. Vectors arrive as numbers from every
 * adapter and are encoded here when the client asked for `encoding_format: "base64"` (the openai SDKs' default).
 * `x-switchboard-usage: estimated` marks a `usage` the gateway estimated because the upstream reported none.
 * With `policy`: the virtual key's models (403), limits and budgets (429/402), reserved by the input's size and
 * settled with the answer's usage.
 */
export function embeddingsRoute(deps: AppDeps, policy?: Policy): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.post('/v1/embeddings', async (c) => {
    const startedAt = performance.now();
    const request = parseEmbeddingsRequest(await readJsonBody(c.req.raw, deps.config.server.bodyLimitBytes));
    assertModelAllowed(c.get('virtualKey'), request.model);
    const candidates = planCandidates(
      deps,
      request.model,
      embeddingCandidates(resolveCandidates(deps.catalog, request.model, 'embedding'), request),
      'embedding',
    ).filter((candidate) => candidate.adapter.embeddings !== undefined);
    const hold = await admitInbound(deps, policy, c, 'openai-embeddings', estimateEmbeddingsRequest(request));
    const run = await hold.guard(
      runRelayedAttempts(deps, candidates, inboundRequestOf(deps, c), startedAt, (candidate, signal) =>
        callUpstream(deps, candidate, request, signal),
      ),
    );
    const { response, usageEstimated } = run.value;
    const { prompt_tokens, total_tokens } = response.usage;
    hold.settle({ prompt_tokens, completion_tokens: 0, total_tokens }, { ...run.origin, usageEstimated });
    const body = JSON.stringify(request.encoding_format === 'base64' ? toBase64Response(response) : response);
    const { headers } = run;
    headers.set('content-type', 'application/json');
    if (usageEstimated) headers.set('x-switchboard-usage', 'estimated');
    return new Response(body, { status: 200, headers });
  });
  return app;
}

/** The candidates whose format embeds; a 404 when none does (a configured model the format cannot embed with). */
function embeddingCandidates(candidates: Candidate[], request: EmbeddingsRequest): Candidate[] {
  const capable = candidates.filter((candidate) => candidate.adapter.embeddings !== undefined);
  if (capable.length > 0) return capable;
  const formats = [...new Set(candidates.map((candidate) => candidate.provider.type))].join(', ');
  throw new GatewayError({
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_supported',
    param: 'model',
    message: `The model '${request.model}' is served only by providers whose format (${formats}) makes no embeddings.`,
    isRetryable: false,
  });
}

async function callUpstream(
  deps: AppDeps,
  candidate: Candidate,
  request: EmbeddingsRequest,
  signal: AbortSignal,
): Promise<EmbeddingsResult> {
  const { adapter, provider } = candidate;
  if (!adapter.embeddings) throw new Error(`the '${provider.type}' format makes no embeddings`);
  const upstreamRequest =
    request.model === candidate.upstreamModel ? request : { ...request, model: candidate.upstreamModel };
  return guardedAttempt(deps, candidate, signal, {}, (attemptSignal) =>
    adapter.embeddings!(provider, upstreamRequest, {
      fetch: deps.fetch,
      signal: attemptSignal,
      now: deps.now,
      generateId: deps.generateId,
    }),
  );
}

function toBase64Response(response: EmbeddingsResponse): EmbeddingsResponse<string> {
  return {
    ...response,
    data: response.data.map((item) => ({ ...item, embedding: encodeEmbeddingBase64(item.embedding) })),
  };
}
