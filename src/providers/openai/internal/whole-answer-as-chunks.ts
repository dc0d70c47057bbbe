import { type ChatCompletionChunk, completionToChunks } from '../../../canonical/index.ts';
import { readUpstreamJson } from '../../invalid-upstream-response.ts';
import type { AdapterContext, ProviderDefinition } from '../../provider-adapter.ts';
import { convertFromOpenAIResponse } from '../convert-from-openai-response.ts';
import { mapOpenAIError } from '../openai-error.ts';
import { isOpenAIErrorPayload } from './is-openai-error-payload.ts';

/** Whether an answer to a stream request came as one JSON body instead of SSE. */
export function isWholeJsonAnswer(response: Response): boolean {
  return response.headers.get('content-type')?.toLowerCase().includes('json') === true;
}

/**
 * A JSON answer to a stream request, as a stream: some OpenAI-compatible servers ignore `stream` and send the whole
 * completion (it becomes the chunks a stream of it would have been), or send an error as a 200 (it becomes the
 * upstream's error, a retryable 502 with its message, instead of a stream that looks cut).
 */
export async function wholeAnswerAsChunks(
  response: Response,
  provider: ProviderDefinition,
  context: AdapterContext,
  defaults: { id: string; created: number; model: string; provider: string },
): Promise<ReadableStream<ChatCompletionChunk>> {
  const body = await readUpstreamJson(response, provider);
  if (typeof body === 'object' && body !== null && isOpenAIErrorPayload(body as Record<string, unknown>)) {
    const bodyText = JSON.stringify(body);
    throw mapOpenAIError({ status: 502, bodyText, headers: response.headers, provider, now: context.now() });
  }
  const chunks = completionToChunks(convertFromOpenAIResponse(body, defaults));
  return new ReadableStream<ChatCompletionChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}
