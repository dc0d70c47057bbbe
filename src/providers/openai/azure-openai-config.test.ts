import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../../catalog/model-catalog.ts';
import { parseGatewayConfig } from '../../config/parse-gateway-config.ts';
import type { ProviderAdapter, ProviderFormat } from '../provider-adapter.ts';
import { openAIAdapter } from './openai-adapter.ts';

/**
 * The Azure set-up documented in docs/providers/openai-compatible.md, from config text to a resolved candidate:
 * deployments named in `models:` are served whether discovery is off or fails (current api-versions answer 404 to
 * the deployments list).
 */
function azureConfig(discover: boolean): string {
  return `
providers:
  - id: azure
    type: azure
    baseUrl: https://contoso.openai.azure.com/
    apiKey: \${AZURE_OPENAI_API_KEY}
    apiVersion: 2024-10-21
    models: [chat-gpt4o]
    discover: ${discover}
`;
}

function catalogFor(configText: string, fetch: typeof globalThis.fetch) {
  const config = parseGatewayConfig(configText, { AZURE_OPENAI_API_KEY: 'azure-key-1' });
  const adapters = { openai: openAIAdapter } as Record<ProviderFormat, ProviderAdapter | undefined>;
  return new ModelCatalog({
    providers: config.providers,
    adapters,
    fetch,
    now: () => 1_730_000_000_000,
    generateId: (prefix) => `${prefix}1`,
    ttlMs: 60_000,
    discoveryTimeoutMs: 1_000,
  });
}

describe('Azure OpenAI config', () => {
  it('becomes an OpenAI-format provider with the Azure settings', () => {
    const [provider] = parseGatewayConfig(azureConfig(false), { AZURE_OPENAI_API_KEY: 'azure-key-1' }).providers;
    expect(provider).toMatchObject({
      id: 'azure',
      type: 'openai',
      baseUrl: 'https://contoso.openai.azure.com',
      apiKey: 'azure-key-1',
      azure: { apiVersion: '2024-10-21' },
      models: ['chat-gpt4o'],
      discover: false,
    });
  });

  it('discover: false serves the configured deployments without asking Azure', async () => {
    const urls: string[] = [];
    const catalog = catalogFor(azureConfig(false), (async (input: RequestInfo | URL) => {
      urls.push(String(input));
      return new Response('{}');
    }) as typeof fetch);
    await catalog.load();
    expect(urls).toEqual([]);
    expect(catalog.resolve('chat-gpt4o').map((candidate) => candidate.upstreamModel)).toEqual(['chat-gpt4o']);
    expect(catalog.providerStatuses()[0]).toMatchObject({ state: 'ok', modelCount: 1 });
  });

  it('a failing deployments list is reported but the configured deployments still resolve', async () => {
    const urls: string[] = [];
    const catalog = catalogFor(azureConfig(true), (async (input: RequestInfo | URL) => {
      urls.push(String(input));
      return new Response(JSON.stringify({ error: { code: '404', message: 'Resource not found' } }), { status: 404 });
    }) as typeof fetch);
    await catalog.load();
    expect(urls).toEqual(['https://contoso.openai.azure.com/openai/deployments?api-version=2024-10-21']);
    expect(catalog.resolve('azure/chat-gpt4o')).toHaveLength(1);
    expect(catalog.resolve('chat-gpt4o')).toHaveLength(1);
    expect(catalog.providerStatuses()[0]).toMatchObject({ state: 'failed', modelCount: 1 });
  });
});
