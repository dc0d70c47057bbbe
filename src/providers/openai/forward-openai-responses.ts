import type { NativeResponsesSupport, ProviderDefinition } from '../provider-adapter.ts';
import { sendUpstreamRequest } from '../send-upstream-request.ts';
import { mapOpenAIError } from './openai-error.ts';

/** The host of OpenAI's own API: the only OpenAI-format upstream known to serve the whole Responses API. */
const OPENAI_API_HOST = 'api.openai.com';

/**
 * Native `POST /v1/responses` pass-through to OpenAI. The rule for "this upstream is the real Responses API": an
 * OpenAI-format provider (not Azure) whose id is `openai` (the preset, or a config entry named `openai`, e.g. in
 * front of a proxy of OpenAI) or whose base URL is on `api.openai.com`. OpenAI-compatible servers (Groq, vLLM,
 * Ollama …) may offer parts of `/responses` but not its stored state or built-in tools, so they get the translated
 * path, which behaves the same for every upstream. https://platform.openai.com/docs/api-reference/responses/create
 */
export const openAIResponsesForwarding: NativeResponsesSupport = {
  supports(provider) {
    if (provider.type !== 'openai' || provider.azure) return false;
    return provider.id === 'openai' || hostOf(provider.baseUrl) === OPENAI_API_HOST;
  },

  async forward(provider, body, context) {
    const headers: Record<string, string> = {
      ...provider.headers,
      'content-type': 'application/json',
      accept: body.stream === true ? 'text/event-stream' : 'application/json',
    };
    if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
    return sendUpstreamRequest(
      `${provider.baseUrl}/responses`,
      { method: 'POST', headers, body: JSON.stringify(body) },
      provider,
      context,
      mapOpenAIError,
    );
  },
};

function hostOf(baseUrl: ProviderDefinition['baseUrl']): string | undefined {
  try {
    return new URL(baseUrl).hostname;
  } catch {
    return undefined;
  }
}
