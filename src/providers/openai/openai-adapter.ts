import { readUpstreamJson } from '../invalid-upstream-response.ts';
import type { ChatCallResult, DiscoveredModel, ProviderAdapter, ProviderDefinition } from '../provider-adapter.ts';
import { sendUpstreamRequest } from '../send-upstream-request.ts';
import { upstreamChunks } from '../upstream-chunks.ts';
import { convertFromOpenAIResponse } from './convert-from-openai-response.ts';
import { convertToOpenAIRequest } from './convert-to-openai-request.ts';
import { openAIResponsesForwarding } from './forward-openai-responses.ts';
import { detectOpenAIDialect } from './internal/detect-openai-dialect.ts';
import { isWholeJsonAnswer, wholeAnswerAsChunks } from './internal/whole-answer-as-chunks.ts';
import { parseOpenAIModelList } from './list-openai-models.ts';
import { openAIEmbeddings } from './openai-embeddings.ts';
import { mapOpenAIError } from './openai-error.ts';
import { openAIStreamToChunks } from './openai-stream-to-chunks.ts';

/** Most pages of a paginated model list the gateway follows. */
const MAX_MODEL_PAGES = 20;

/** OpenAI Chat Completions and every server that speaks it (presets), Azure OpenAI included. */
export const openAIAdapter: ProviderAdapter = {
  format: 'openai',
  responses: openAIResponsesForwarding,

  async listModels(provider, context) {
    const models: DiscoveredModel[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_MODEL_PAGES; page++) {
      const url = modelsUrl(provider, after);
      const response = await sendUpstreamRequest(
        url,
        { method: 'GET', headers: upstreamHeaders(provider, false) },
        provider,
        context,
        mapOpenAIError,
      );
      const parsed = parseOpenAIModelList(await readUpstreamJson(response, provider));
      models.push(...parsed.models);
      if (!parsed.nextAfter) break;
      after = parsed.nextAfter;
    }
    return models;
  },

  async chatCompletion(provider, request, context): Promise<ChatCallResult> {
    const body = JSON.stringify(convertToOpenAIRequest(request, detectOpenAIDialect(provider)));
    const response = await sendUpstreamRequest(
      chatUrl(provider, request.model),
      { method: 'POST', headers: upstreamHeaders(provider, true), body },
      provider,
      context,
      mapOpenAIError,
    );
    const defaults = {
      id: context.generateId('chatcmpl-'),
      created: Math.floor(context.now() / 1000),
      model: request.model,
      provider: provider.id,
    };
    if (!request.stream) {
      return {
        stream: false,
        response: convertFromOpenAIResponse(await readUpstreamJson(response, provider), defaults),
        headers: response.headers,
      };
    }
    return {
      stream: true,
      chunks: isWholeJsonAnswer(response)
        ? await wholeAnswerAsChunks(response, provider, context, defaults)
        : upstreamChunks(response, provider, context.signal, openAIStreamToChunks(defaults)),
      headers: response.headers,
    };
  },

  embeddings: (provider, request, context) =>
    openAIEmbeddings(provider, request, context, upstreamHeaders(provider, true)),
};

/**
 * Azure OpenAI (https://learn.microsoft.com/azure/ai-foundry/openai/reference): with a dated `apiVersion` the
 * deployment is in the path (`/openai/deployments/{deployment}/chat/completions?api-version=…`) and the body's `model`
 * is ignored; with `apiVersion: v1` the resource serves OpenAI's own paths under `/openai/v1` and `model` names the
 * deployment. Either way `baseUrl` is the resource, `https://{resource}.openai.azure.com`.
 */
function chatUrl(provider: ProviderDefinition, model: string): string {
  if (provider.azure && isAzureV1(provider.azure.apiVersion)) return `${provider.baseUrl}/openai/v1/chat/completions`;
  if (provider.azure) {
    return `${provider.baseUrl}/openai/deployments/${encodeURIComponent(model)}/chat/completions?api-version=${encodeURIComponent(provider.azure.apiVersion)}`;
  }
  return `${provider.baseUrl}/chat/completions`;
}

function modelsUrl(provider: ProviderDefinition, after: string | undefined): string {
  if (provider.azure && isAzureV1(provider.azure.apiVersion)) return `${provider.baseUrl}/openai/v1/models`;
  if (provider.azure) {
    // Deployments (what requests are addressed to), not base models. Only old api-versions still serve this list;
    // newer ones answer 404, so Azure providers name their deployments in `models:` (the catalog keeps serving those
    // when discovery fails) and usually set `discover: false`.
    return `${provider.baseUrl}/openai/deployments?api-version=${encodeURIComponent(provider.azure.apiVersion)}`;
  }
  return after ? `${provider.baseUrl}/models?after=${encodeURIComponent(after)}` : `${provider.baseUrl}/models`;
}

function isAzureV1(apiVersion: string): boolean {
  return apiVersion === 'v1';
}

/** Only the provider's own headers and key go upstream; nothing from the client's request is forwarded. */
function upstreamHeaders(provider: ProviderDefinition, withBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json', ...provider.headers };
  if (withBody) headers['content-type'] = 'application/json';
  if (provider.apiKey) {
    if (provider.azure) headers['api-key'] = provider.apiKey;
    else headers.authorization = `Bearer ${provider.apiKey}`;
  }
  return headers;
}
