import { type ChatCompletionChunk, completionToChunks } from '../../../canonical/index.ts';
import { parseUpstreamJson, readUpstreamText } from '../../invalid-upstream-response.ts';
import type { AdapterContext, ProviderDefinition } from '../../provider-adapter.ts';
import { upstreamChunks } from '../../upstream-chunks.ts';
import { convertFromOpenAIResponse } from '../convert-from-openai-response.ts';
import { mapOpenAIError } from '../openai-error.ts';
import { openAIStreamToChunks } from '../openai-stream-to-chunks.ts';
import { isOpenAIErrorPayload } from './is-openai-error-payload.ts';

/** Whether an answer to a stream request came as one JSON body instead of SSE. */
export function isWholeJsonAnswer(response: Response): boolean {
  return response.headers.get('content-type')?.toLowerCase().includes('json') === true;
}

/**
 * A JSON-labelled answer to a stream request, as a stream: some OpenAI-compatible servers ignore `stream` and send the
 * whole completion (it becomes the chunks a stream of it would have been), or send an error as a 200 (it becomes the
 * upstream's error, a retryable 502 with its message, instead of a stream that looks cut). A body that is SSE after
 * all (a server that labels its stream as JSON) is read as the stream it is, once whole.
 */
export async function wholeAnswerAsChunks(
  response: Response,
  provider: ProviderDefinition,
  context: AdapterContext,
  defaults: { id: string; created: number; model: string; provider: string },
): Promise<ReadableStream<ChatCompletionChunk>> {
  const text = await readUpstreamText(response, provider);
  if (looksLikeSse.test(text)) {
    const sse = new Response(text, { headers: { 'content-type': 'text/event-stream' } });
    return upstreamChunks(sse, provider, context.signal, openAIStreamToChunks(defaults));
  }
  const body = parseUpstreamJson(text, provider);
  if (typeof body === 'object' && body !== null && isOpenAIErrorPayload(body as Record<string, unknown>)) {
    throw mapOpenAIError({ status: 502, bodyText: text, headers: response.headers, provider, now: context.now() });
  }
  const chunks = completionToChunks(convertFromOpenAIResponse(body, defaults));
  return new ReadableStream<ChatCompletionChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/** An SSE body starts with a field (`data:`, `event:`, `id:`, `retry:`) or a `:` comment, after any blank lines. */
const looksLikeSse = /^\s*(?:(?:data|event|id|retry)\s*:|:)/;
