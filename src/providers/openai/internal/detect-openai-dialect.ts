import type { ProviderDefinition } from '../../provider-adapter.ts';

/**
 * How strictly a server follows the OpenAI request format.
 * - `openai`: accepts (or ignores) every OpenAI field, `stream_options` included.
 * - `mistral`: rejects unknown fields with 422 (see `convert-to-mistral-request.ts`).
 * - `azure-legacy`: an Azure api-version older than 2024-09-01, which answers 400 "Unrecognized request argument
 *   supplied: stream_options" (https://learn.microsoft.com/azure/ai-services/openai/api-version-deprecation).
 * Decided from the provider's URL and Azure settings, so it works whatever id a config gives the provider.
 */
export type OpenAIDialect = 'openai' | 'mistral' | 'azure-legacy';

export function detectOpenAIDialect(provider: Pick<ProviderDefinition, 'baseUrl' | 'azure'>): OpenAIDialect {
  if (provider.azure) {
    const date = /^(\d{4}-\d{2}-\d{2})/.exec(provider.azure.apiVersion)?.[1];
    return date !== undefined && date < '2024-09-01' ? 'azure-legacy' : 'openai';
  }
  if (hostOf(provider.baseUrl) === 'api.mistral.ai') return 'mistral';
  return 'openai';
}

/** Hosts by base URL: a provider's URL comes from config, so each is parsed once, not on every call. */
const hosts = new Map<string, string>();

function hostOf(url: string): string {
  let host = hosts.get(url);
  if (host === undefined) {
    try {
      host = new URL(url).hostname.toLowerCase();
    } catch {
      host = '';
    }
    if (hosts.size >= 1_000) hosts.clear();
    hosts.set(url, host);
  }
  return host;
}
