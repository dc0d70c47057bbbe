import { readUpstreamJson } from '../invalid-upstream-response.ts';
import type { ChatCallResult, DiscoveredModel, ProviderAdapter, ProviderDefinition } from '../provider-adapter.ts';
import { sendUpstreamRequest } from '../send-upstream-request.ts';
import { upstreamChunks } from '../upstream-chunks.ts';
import { mapAnthropicError } from './anthropic-error.ts';
import { anthropicStreamToChunks } from './anthropic-stream-to-chunks.ts';
import { convertFromAnthropicResponse } from './convert-from-anthropic-response.ts';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.ts';
import { anthropicModelsUrl, parseAnthropicModelList } from './list-anthropic-models.ts';

/** The API version the request and response shapes here follow (https://docs.anthropic.com/en/api/versioning). */
export const ANTHROPIC_VERSION = '2023-06-01';

/** Most pages of the model list the gateway follows. */
const MAX_MODEL_PAGES = 20;

/**
 * The Anthropic Messages API. `provider.baseUrl` includes the version segment (`https://api.anthropic.com/v1`);
 * chat goes to `${baseUrl}/messages`, discovery to `${baseUrl}/models`.
 */
export const anthropicAdapter: ProviderAdapter = {
  format: 'anthropic',

  async listModels(provider, context) {
    const models: DiscoveredModel[] = [];
    let afterId: string | undefined;
    for (let page = 0; page < MAX_MODEL_PAGES; page++) {
      const response = await sendUpstreamRequest(
        anthropicModelsUrl(provider.baseUrl, afterId),
        { method: 'GET', headers: upstreamHeaders(provider, false) },
        provider,
        context,
        mapAnthropicError,
      );
      const parsed = parseAnthropicModelList(await readUpstreamJson(response, provider));
      models.push(...parsed.models);
      // A cursor that does not move would loop until the page limit.
      if (!parsed.nextAfterId || parsed.nextAfterId === afterId) break;
      afterId = parsed.nextAfterId;
    }
    return models;
  },

  async chatCompletion(provider, request, context): Promise<ChatCallResult> {
    const plan = convertToAnthropicRequest(request);
    const response = await sendUpstreamRequest(
      `${provider.baseUrl}/messages`,
      { method: 'POST', headers: upstreamHeaders(provider, true), body: JSON.stringify(plan.body) },
      provider,
      context,
      mapAnthropicError,
    );
    const defaults = {
      id: context.generateId('chatcmpl-'),
      created: Math.floor(context.now() / 1000),
      model: request.model,
      provider: provider.id,
      answerToolName: plan.answerToolName,
    };
    if (!request.stream) {
      return {
        stream: false,
        response: convertFromAnthropicResponse(await readUpstreamJson(response, provider), defaults),
        headers: response.headers,
      };
    }
    return {
      stream: true,
      chunks: upstreamChunks(response, provider, context.signal, anthropicStreamToChunks(defaults)),
      headers: response.headers,
    };
  },

  forwardAnthropicMessages(provider, call, context) {
    const path = call.endpoint === 'count_tokens' ? '/messages/count_tokens' : '/messages';
    const init = { method: 'POST', headers: forwardHeaders(provider, call.headers), body: JSON.stringify(call.body) };
    return sendUpstreamRequest(`${provider.baseUrl}${path}`, init, provider, context, mapAnthropicError);
  },
};

/**
 * Headers of a native pass-through: the provider's own (key, configured headers), plus the client's
 * `anthropic-version` (the body is written in it) and its `anthropic-beta` list, after any configured betas.
 * Nothing else of the client's goes upstream, never its key.
 */
function forwardHeaders(provider: ProviderDefinition, client: Headers): Headers {
  const headers = upstreamHeaders(provider, true);
  const version = client.get('anthropic-version');
  if (version) headers.set('anthropic-version', version);
  const betas = client.get('anthropic-beta');
  if (betas) {
    const configured = headers.get('anthropic-beta');
    headers.set('anthropic-beta', configured ? `${configured},${betas}` : betas);
  }
  return headers;
}

/**
 * Only the provider's own key and configured headers go upstream, never a client header. Configured headers may
 * add `anthropic-beta` or pin another `anthropic-version`; the key is set last so config cannot blank it.
 */
function upstreamHeaders(provider: ProviderDefinition, withBody: boolean): Headers {
  const headers = new Headers({ 'anthropic-version': ANTHROPIC_VERSION });
  if (withBody) headers.set('content-type', 'application/json');
  for (const [name, value] of Object.entries(provider.headers ?? {})) headers.set(name, value);
  if (provider.apiKey) headers.set('x-api-key', provider.apiKey);
  return headers;
}
