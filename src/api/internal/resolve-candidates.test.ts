import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.ts';
import { ModelCatalog } from '../../catalog/model-catalog.ts';
import type { DiscoveredModel, ProviderAdapter, ProviderDefinition } from '../../providers/provider-adapter.ts';
import { resolveCandidates } from './resolve-candidates.ts';

function provider(id: string, models: string[], discover: boolean): ProviderDefinition {
  return { id, type: 'openai', baseUrl: `http://${id}.test/v1`, models, aliases: {}, discover, source: 'config' };
}

async function catalogOf(discovered: DiscoveredModel[]): Promise<ModelCatalog> {
  const adapter: ProviderAdapter = {
    format: 'openai',
    listModels: async () => discovered,
    chatCompletion: () => Promise.reject(new Error('not called')),
  };
  const catalog = new ModelCatalog({
    providers: [
      provider('listed', [], true),
      provider('static', ['gpt-4o', 'text-embedding-3-large', 'bge-m3', 'embedder-by-list'], false),
    ],
    adapters: { openai: adapter, anthropic: undefined, gemini: undefined },
    fetch: globalThis.fetch,
    now: () => 0,
    generateId: (prefix) => prefix,
    ttlMs: 60_000,
    discoveryTimeoutMs: 1_000,
  });
  await catalog.load();
  return catalog;
}

const kinds = (catalog: ModelCatalog, model: string, kind: 'chat' | 'embedding') =>
  resolveCandidates(catalog, model, kind).map((candidate) => `${candidate.provider.id}:${candidate.kind ?? 'any'}`);

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
  }
  throw new Error('expected a GatewayError');
}

describe('resolveCandidates by kind', () => {
  it('gives discovered models the kind discovery found, static ones a kind from their name', async () => {
    const catalog = await catalogOf([
      { id: 'chat-model' },
      { id: 'embedder-by-list', kind: 'embedding' },
      { id: 'text-embedding-ada-002', kind: 'embedding' },
    ]);
    expect(kinds(catalog, 'chat-model', 'chat')).toEqual(['listed:chat']);
    expect(kinds(catalog, 'text-embedding-ada-002', 'embedding')).toEqual(['listed:embedding']);
    expect(kinds(catalog, 'gpt-4o', 'chat')).toEqual(['static:chat']);
    expect(kinds(catalog, 'text-embedding-3-large', 'embedding')).toEqual(['static:embedding']);
    expect(kinds(catalog, 'bge-m3', 'embedding')).toEqual(['static:embedding']);
    // Discovery's word counts per provider: the provider that only configured the id goes by its name (chat).
    expect(kinds(catalog, 'embedder-by-list', 'embedding')).toEqual(['listed:embedding']);
    expect(kinds(catalog, 'embedder-by-list', 'chat')).toEqual(['static:chat']);
    expect(catalog.models().find((model) => model.id === 'static/text-embedding-3-large')?.kind).toBe('embedding');
  });

  it('lets a provider/model route to a model nobody listed reach either endpoint', async () => {
    const catalog = await catalogOf([]);
    expect(kinds(catalog, 'listed/unlisted-model', 'chat')).toEqual(['listed:any']);
    expect(kinds(catalog, 'listed/unlisted-model', 'embedding')).toEqual(['listed:any']);
  });

  it('refuses a model of the other kind with a 404 that says where to go', async () => {
    const catalog = await catalogOf([{ id: 'chat-model' }, { id: 'embedder-by-list', kind: 'embedding' }]);
    const toChat = refusal(() => resolveCandidates(catalog, 'text-embedding-3-large', 'chat'));
    expect(toChat).toMatchObject({ status: 404, code: 'model_not_supported', param: 'model', isRetryable: false });
    expect(toChat.message).toContain('POST /v1/embeddings');
    const toEmbeddings = refusal(() => resolveCandidates(catalog, 'chat-model', 'embedding'));
    expect(toEmbeddings.message).toBe(
      "The model 'chat-model' is a chat model; it makes no embeddings. Embedding models on this gateway: " +
        "'embedder-by-list', 'text-embedding-3-large', 'bge-m3', 'listed/embedder-by-list', 'static/text-embedding-3-large' and 1 more.",
    );
    expect(refusal(() => resolveCandidates(catalog, 'nothing-like-it', 'embedding')).code).toBe('model_not_found');
  });

  it('defaults to chat', async () => {
    const catalog = await catalogOf([{ id: 'chat-model' }]);
    expect(resolveCandidates(catalog, 'chat-model')).toHaveLength(1);
    expect(refusal(() => resolveCandidates(catalog, 'bge-m3')).code).toBe('model_not_supported');
  });
});
