import type { ChatRequest } from '../../canonical/index.ts';
import { readUpstreamJson } from '../invalid-upstream-response.ts';
import type { ChatCallResult, DiscoveredModel, ProviderAdapter, ProviderDefinition } from '../provider-adapter.ts';
import { sendUpstreamRequest } from '../send-upstream-request.ts';
import { upstreamChunks } from '../upstream-chunks.ts';
import { convertFromGeminiResponse } from './convert-from-gemini-response.ts';
import { convertToGeminiRequest } from './convert-to-gemini-request.ts';
import { geminiEmbeddings } from './gemini-embeddings.ts';
import { mapGeminiError } from './gemini-error.ts';
import { geminiStreamToChunks } from './gemini-stream-to-chunks.ts';
import { parseGeminiModelList } from './list-gemini-models.ts';

/** Most pages of the model list the gateway follows (1000 models a page). */
const MAX_MODEL_PAGES = 20;

/**
 * The Google Gemini API (Generative Language, https://ai.google.dev/api). `baseUrl` includes the version, e.g.
 * `https://generativelanguage.googleapis.com/v1beta`. The key goes in `x-goog-api-key`, never in the URL, where it
 * would end up in proxy and access logs.
 */
export const geminiAdapter: ProviderAdapter = {
  format: 'gemini',

  async listModels(provider, context) {
    const models: DiscoveredModel[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_MODEL_PAGES; page++) {
      const url = `${provider.baseUrl}/models?pageSize=1000${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
      const response = await sendUpstreamRequest(
        url,
        { method: 'GET', headers: upstreamHeaders(provider, 'application/json', false) },
        provider,
        context,
        mapGeminiError,
      );
      const parsed = parseGeminiModelList(await readUpstreamJson(response, provider));
      models.push(...parsed.models);
      if (!parsed.nextPageToken) break;
      pageToken = parsed.nextPageToken;
    }
    return models;
  },

  async chatCompletion(provider, request: ChatRequest, context): Promise<ChatCallResult> {
    const body = JSON.stringify(convertToGeminiRequest(request));
    const method = request.stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    const response = await sendUpstreamRequest(
      `${provider.baseUrl}/models/${modelPath(request.model)}:${method}`,
      {
        method: 'POST',
        headers: upstreamHeaders(provider, request.stream ? 'text/event-stream' : 'application/json', true),
        body,
      },
      provider,
      context,
      mapGeminiError,
    );
    const defaults = {
      id: context.generateId('chatcmpl-'),
      created: Math.floor(context.now() / 1000),
      model: request.model,
      provider: provider.id,
      generateId: context.generateId,
    };
    if (!request.stream) {
      return {
        stream: false,
        response: convertFromGeminiResponse(await readUpstreamJson(response, provider), defaults),
        headers: response.headers,
      };
    }
    return {
      stream: true,
      chunks: upstreamChunks(response, provider, context.signal, geminiStreamToChunks(defaults)),
      headers: response.headers,
    };
  },

  embeddings: (provider, request, context) =>
    geminiEmbeddings(provider, request, context, upstreamHeaders(provider, 'application/json', true)),
};

/** Model ids are listed without `models/`; one given with it (copied from Google's docs) works too. */
function modelPath(model: string): string {
  return encodeURIComponent(model.startsWith('models/') ? model.slice('models/'.length) : model);
}

function upstreamHeaders(provider: ProviderDefinition, accept: string, withBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { accept, ...provider.headers };
  if (withBody) headers['content-type'] = 'application/json';
  if (provider.apiKey) headers['x-goog-api-key'] = provider.apiKey;
  return headers;
}
