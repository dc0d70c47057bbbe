import { decodeEmbeddingBase64 } from '../../canonical/embedding-base64.ts';
import type { EmbeddingsInput, EmbeddingsRequest } from '../../canonical/embeddings-request.ts';
import type { EmbeddingData, EmbeddingsResponse } from '../../canonical/embeddings-response.ts';
import { estimateEmbeddingTokens } from '../../canonical/estimate-embedding-tokens.ts';
import { invalidUpstreamResponse, readUpstreamJson } from '../invalid-upstream-response.ts';
import type { AdapterContext, EmbeddingsResult, ProviderDefinition } from '../provider-adapter.ts';
import { sendUpstreamRequest } from '../send-upstream-request.ts';
import { mapOpenAIError } from './openai-error.ts';

/**
 * `POST {baseUrl}/embeddings` (https://platform.openai.com/docs/api-reference/embeddings, wire-formats §3.1) for the
 * OpenAI adapter, which hands in its upstream headers. The request passes as is (token input and vendor extras
 * included) except `encoding_format`, always `float`: many OpenAI-compatible servers ignore `base64` or lack it, so
 * the gateway encodes base64 itself and every upstream looks the same to the client. A base64 answer is decoded all
 * the same, for servers that send one anyway.
 */
export async function openAIEmbeddings(
  provider: ProviderDefinition,
  request: EmbeddingsRequest,
  context: AdapterContext,
  headers: Record<string, string>,
): Promise<EmbeddingsResult> {
  const response = await sendUpstreamRequest(
    openAIEmbeddingsUrl(provider, request.model),
    { method: 'POST', headers, body: JSON.stringify(convertToOpenAIEmbeddingsRequest(request)) },
    provider,
    context,
    mapOpenAIError,
  );
  const body = await readUpstreamJson(response, provider, 'an embeddings answer with a body');
  return { ...convertFromOpenAIEmbeddingsResponse(body, request, provider.id), headers: response.headers };
}

/**
 * Azure (wire-formats §7.1): a dated `apiVersion` puts the deployment in the path; `v1` serves OpenAI's own paths
 * under `/openai/v1`, `model` naming the deployment.
 */
export function openAIEmbeddingsUrl(provider: ProviderDefinition, model: string): string {
  if (provider.azure?.apiVersion === 'v1') return `${provider.baseUrl}/openai/v1/embeddings`;
  if (provider.azure) {
    return `${provider.baseUrl}/openai/deployments/${encodeURIComponent(model)}/embeddings?api-version=${encodeURIComponent(provider.azure.apiVersion)}`;
  }
  return `${provider.baseUrl}/embeddings`;
}

export function convertToOpenAIEmbeddingsRequest(request: EmbeddingsRequest): Record<string, unknown> {
  return { ...request, encoding_format: 'float' };
}

/**
 * An upstream body → the canonical response: vectors as numbers sorted by `index`, exactly one per input (else a
 * retryable 502), usage from the body or, when a server sends none, estimated (and flagged).
 */
export function convertFromOpenAIEmbeddingsResponse(
  body: unknown,
  request: EmbeddingsRequest,
  providerId: string,
): { response: EmbeddingsResponse; usageEstimated?: boolean } {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (!Array.isArray(record.data))
    throw invalidUpstreamResponse(providerId, 'an embeddings answer with no `data` array');
  const data: EmbeddingData[] = record.data.map((entry, position) => {
    const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const embedding = toVector(item.embedding);
    if (!embedding)
      throw invalidUpstreamResponse(providerId, `an embeddings answer with an unreadable vector at data[${position}]`);
    const index = typeof item.index === 'number' ? item.index : position;
    return { object: 'embedding', index, embedding };
  });
  data.sort((left, right) => left.index - right.index);
  const expected = inputCount(request.input);
  if (data.length !== expected || data.some((item, position) => item.index !== position)) {
    throw invalidUpstreamResponse(
      providerId,
      `an embeddings answer with ${data.length} vectors for ${expected} inputs`,
    );
  }
  const usage = (typeof record.usage === 'object' && record.usage !== null ? record.usage : {}) as Record<
    string,
    unknown
  >;
  const model = typeof record.model === 'string' && record.model !== '' ? record.model : request.model;
  if (typeof usage.prompt_tokens === 'number') {
    const total = typeof usage.total_tokens === 'number' ? usage.total_tokens : usage.prompt_tokens;
    return {
      response: { object: 'list', data, model, usage: { prompt_tokens: usage.prompt_tokens, total_tokens: total } },
    };
  }
  const estimated = estimateEmbeddingTokens(request.input);
  return {
    response: { object: 'list', data, model, usage: { prompt_tokens: estimated, total_tokens: estimated } },
    usageEstimated: true,
  };
}

function toVector(value: unknown): number[] | undefined {
  if (typeof value === 'string') return decodeEmbeddingBase64(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'number')) return value as number[];
  return undefined;
}

function inputCount(input: EmbeddingsInput): number {
  if (typeof input === 'string' || typeof input[0] === 'number') return 1;
  return input.length;
}
