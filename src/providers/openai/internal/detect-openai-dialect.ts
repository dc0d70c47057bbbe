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

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
