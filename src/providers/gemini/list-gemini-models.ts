import type { DiscoveredModel } from '../provider-adapter.ts';

/**
 * One page of `GET /v1beta/models` (https://ai.google.dev/api/models#method:-models.list) → discovered models and
 * the next page's token (wire-formats §5.6). Only models that can chat (`generateContent`) or embed (`embedContent`)
 * are kept; a model that does both counts as chat. `models/` is taken off the name, the adapter puts it back.
 */
export function parseGeminiModelList(body: unknown): { models: DiscoveredModel[]; nextPageToken?: string } {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const entries = Array.isArray(record.models) ? record.models : [];
  const models: DiscoveredModel[] = [];
  for (const entry of entries) {
    const model = toDiscoveredModel(entry);
    if (model) models.push(model);
  }
  const token = record.nextPageToken;
  return typeof token === 'string' && token !== '' ? { models, nextPageToken: token } : { models };
}

function toDiscoveredModel(entry: unknown): DiscoveredModel | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const source = entry as Record<string, unknown>;
  if (typeof source.name !== 'string' || source.name === '') return undefined;
  const methods = Array.isArray(source.supportedGenerationMethods) ? source.supportedGenerationMethods : [];
  const chat = methods.includes('generateContent');
  if (!chat && !methods.includes('embedContent')) return undefined;
  const model: DiscoveredModel = {
    id: source.name.startsWith('models/') ? source.name.slice('models/'.length) : source.name,
    kind: chat ? 'chat' : 'embedding',
    ownedBy: 'google',
  };
  if (typeof source.displayName === 'string' && source.displayName !== '') model.displayName = source.displayName;
  if (typeof source.inputTokenLimit === 'number') model.contextLength = source.inputTokenLimit;
  return model;
}
