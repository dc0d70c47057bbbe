import type { DiscoveredModel } from '../provider-adapter.ts';

/**
 * One page of `GET /v1/models` (`{data:[{type:"model", id, display_name, created_at}], has_more, first_id, last_id}`,
 * wire-formats §4.6) → discovered models, plus the `after_id` cursor of the next page while `has_more` is true.
 */
export function parseAnthropicModelList(body: unknown): { models: DiscoveredModel[]; nextAfterId?: string } {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const entries = Array.isArray(record.data) ? record.data : [];
  const models: DiscoveredModel[] = [];
  for (const entry of entries) {
    const model = toDiscoveredModel(entry);
    if (model) models.push(model);
  }
  const nextAfterId =
    record.has_more === true && typeof record.last_id === 'string' && record.last_id !== ''
      ? record.last_id
      : undefined;
  return nextAfterId ? { models, nextAfterId } : { models };
}

/** The URL of one page; the first page has no cursor. */
export function anthropicModelsUrl(baseUrl: string, afterId: string | undefined): string {
  return afterId ? `${baseUrl}/models?after_id=${encodeURIComponent(afterId)}` : `${baseUrl}/models`;
}

function toDiscoveredModel(entry: unknown): DiscoveredModel | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const source = entry as Record<string, unknown>;
  if (typeof source.id !== 'string' || source.id === '') return undefined;
  // Anthropic serves only chat models; its list has no owner field.
  const model: DiscoveredModel = { id: source.id, kind: 'chat', ownedBy: 'anthropic' };
  if (typeof source.display_name === 'string' && source.display_name !== '') model.displayName = source.display_name;
  // `created_at` is an RFC 3339 string; OpenAI's `created` is unix seconds.
  const created = typeof source.created_at === 'string' ? Date.parse(source.created_at) : Number.NaN;
  if (!Number.isNaN(created)) model.created = Math.floor(created / 1000);
  if (typeof source.max_input_tokens === 'number') model.contextLength = source.max_input_tokens;
  return model;
}
