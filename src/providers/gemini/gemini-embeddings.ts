import type { EmbeddingsRequest } from '../../canonical/embeddings-request.ts';
import { textInputs } from '../../canonical/embeddings-request.ts';
import type { EmbeddingData } from '../../canonical/embeddings-response.ts';
import { estimateEmbeddingTokens } from '../../canonical/estimate-embedding-tokens.ts';
import { GatewayError } from '../../canonical/index.ts';
import { invalidUpstreamResponse, readUpstreamJson } from '../invalid-upstream-response.ts';
import type { AdapterContext, EmbeddingsResult, ProviderDefinition } from '../provider-adapter.ts';
import { sendUpstreamRequest } from '../send-upstream-request.ts';
import { mapGeminiError } from './gemini-error.ts';

/**
 * Most requests in one `batchEmbedContents` call; the API refuses more ("at most 100 requests can be in one batch"),
 * so longer inputs are sent as several batches, in parallel, and joined in order.
 */
export const MAX_GEMINI_BATCH = 100;

type GeminiEmbedRequest = {
  model?: string;
  content: { parts: Array<{ text: string }> };
  outputDimensionality?: number;
};

/**
 * Embeddings on the Gemini API (https://ai.google.dev/api/embeddings, wire-formats §3.2) for the Gemini adapter, which
 * hands in its upstream headers: `:embedContent` for one text, `:batchEmbedContents` for several. Gemini takes text
 * only (token ids are a 400), has no `user` field, and its documented answers carry no token usage, so `usage` is estimated and flagged unless
 * the answer does report it.
 */
export async function geminiEmbeddings(
  provider: ProviderDefinition,
  request: EmbeddingsRequest,
  context: AdapterContext,
  headers: Record<string, string>,
): Promise<EmbeddingsResult> {
  const texts = textInputs(request.input);
  if (!texts) {
    throw new GatewayError({
      status: 400,
      code: 'unsupported_input',
      param: 'input',
      message: `Provider '${provider.id}' (Gemini) embeds text only; send 'input' as a string or an array of strings, not token ids.`,
      provider: provider.id,
      isRetryable: false,
    });
  }
  const model = request.model.startsWith('models/') ? request.model.slice('models/'.length) : request.model;
  const call = async (method: string, body: unknown): Promise<{ body: unknown; headers: Headers }> => {
    const response = await sendUpstreamRequest(
      `${provider.baseUrl}/models/${encodeURIComponent(model)}:${method}`,
      { method: 'POST', headers, body: JSON.stringify(body) },
      provider,
      context,
      mapGeminiError,
    );
    return {
      body: await readUpstreamJson(response, provider, 'an embeddings answer with a body'),
      headers: response.headers,
    };
  };

  let vectors: number[][];
  let responseHeaders: Headers;
  let bodies: unknown[];
  if (texts.length === 1) {
    const answer = await call('embedContent', toGeminiEmbedRequest(texts[0] as string, request.dimensions));
    vectors = readEmbedContentResponse(answer.body, provider.id);
    responseHeaders = answer.headers;
    bodies = [answer.body];
  } else {
    const batches: string[][] = [];
    for (let start = 0; start < texts.length; start += MAX_GEMINI_BATCH) {
      batches.push(texts.slice(start, start + MAX_GEMINI_BATCH));
    }
    const answers = await Promise.all(
      batches.map((batch) => call('batchEmbedContents', toGeminiBatchRequest(batch, model, request.dimensions))),
    );
    vectors = answers.flatMap((answer, position) =>
      readBatchEmbedContentsResponse(answer.body, (batches[position] as string[]).length, provider.id),
    );
    responseHeaders = (answers[0] as { headers: Headers }).headers;
    bodies = answers.map((answer) => answer.body);
  }
  const data: EmbeddingData[] = vectors.map((embedding, index) => ({ object: 'embedding', index, embedding }));
  const reported = reportedTokens(bodies);
  const tokens = reported ?? estimateEmbeddingTokens(texts);
  return {
    response: { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } },
    headers: responseHeaders,
    ...(reported === undefined ? { usageEstimated: true } : {}),
  };
}

/**
 * Token counts, if every answer carries `usageMetadata.promptTokenCount` (newer API revisions may; the documented
 * responses hold only vectors). Undefined otherwise, and the caller estimates.
 */
function reportedTokens(bodies: unknown[]): number | undefined {
  let total = 0;
  for (const body of bodies) {
    const count = (body as { usageMetadata?: { promptTokenCount?: unknown } } | null)?.usageMetadata?.promptTokenCount;
    if (typeof count !== 'number') return undefined;
    total += count;
  }
  return total;
}

export function toGeminiEmbedRequest(text: string, dimensions: number | undefined): GeminiEmbedRequest {
  return {
    content: { parts: [{ text }] },
    ...(dimensions === undefined ? {} : { outputDimensionality: dimensions }),
  };
}

export function toGeminiBatchRequest(
  texts: string[],
  model: string,
  dimensions: number | undefined,
): { requests: GeminiEmbedRequest[] } {
  return { requests: texts.map((text) => ({ model: `models/${model}`, ...toGeminiEmbedRequest(text, dimensions) })) };
}

/** `{"embedding":{"values":[…]}}` → one vector. */
export function readEmbedContentResponse(body: unknown, providerId: string): number[][] {
  const embedding = (body as { embedding?: unknown } | null)?.embedding;
  const values = readValues(embedding);
  if (!values) throw invalidUpstreamResponse(providerId, 'an embeddings answer with no `embedding.values`');
  return [values];
}

/** `{"embeddings":[{"values":[…]}, …]}` → one vector per request, in request order. */
export function readBatchEmbedContentsResponse(body: unknown, expected: number, providerId: string): number[][] {
  const embeddings = (body as { embeddings?: unknown } | null)?.embeddings;
  if (!Array.isArray(embeddings))
    throw invalidUpstreamResponse(providerId, 'an embeddings answer with no `embeddings` array');
  if (embeddings.length !== expected) {
    throw invalidUpstreamResponse(
      providerId,
      `an embeddings answer with ${embeddings.length} vectors for ${expected} inputs`,
    );
  }
  return embeddings.map((embedding, position) => {
    const values = readValues(embedding);
    if (!values)
      throw invalidUpstreamResponse(
        providerId,
        `an embeddings answer with an unreadable vector at embeddings[${position}]`,
      );
    return values;
  });
}

function readValues(embedding: unknown): number[] | undefined {
  const values = (embedding as { values?: unknown } | null | undefined)?.values;
  return Array.isArray(values) && values.every((value) => typeof value === 'number') ? (values as number[]) : undefined;
}
