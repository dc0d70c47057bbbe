import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { parseChatRequest } from '../canonical/index.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';
import { chatChunksToSse } from '../streaming/chat-chunks-to-sse.ts';
import type { GatewayEnv } from './gateway-env.ts';
import { runChatRequest, setEventStreamHeaders, setOverheadHeader } from './internal/run-chat-request.ts';

/** `POST /v1/chat/completions`: canonical in, any provider, canonical out; JSON or SSE. */
export function chatCompletionsRoute(deps: AppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.post('/v1/chat/completions', async (c) => {
    const startedAt = performance.now();
    const request = parseChatRequest(await readJsonBody(c.req.raw, deps.config.server.bodyLimitBytes));
    const run = await runChatRequest(deps, request, c.req.raw);
    const { answer, headers } = run;
    if (!answer.stream) {
      const body = JSON.stringify(answer.response);
      headers.set('content-type', 'application/json');
      setOverheadHeader(run, startedAt);
      return new Response(body, { status: 200, headers });
    }
    setEventStreamHeaders(headers);
    setOverheadHeader(run, startedAt);
    const body = chatChunksToSse({
      first: answer.first,
      rest: answer.rest,
      includeUsage: request.stream_options?.include_usage === true,
      onEnd: ({ error }) => {
        if (!error) return;
        deps.logger.warn('stream_failed_after_start', {
          requestId: c.get('requestId'),
          provider: run.candidate.provider.id,
          error: error instanceof Error ? error.message : String(error),
        });
      },
    });
    return new Response(body, { status: 200, headers });
  });
  return app;
}
