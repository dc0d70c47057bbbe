/** A model as the Anthropic models list shows it (wire-formats §4.6). */
export type AnthropicModelEntry = { type: 'model'; id: string; display_name: string; created_at: string };

export type AnthropicModelPage = {
  data: AnthropicModelEntry[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
};

/** Anthropic's default and largest page sizes (https://docs.anthropic.com/en/api/models-list). */
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/** One gateway model as an Anthropic model entry; `created` is unix seconds, `created_at` an RFC 3339 string. */
export function toAnthropicModel(model: { id: string; created: number; displayName?: string }): AnthropicModelEntry {
  return {
    type: 'model',
    id: model.id,
    display_name: model.displayName ?? model.id,
    created_at: new Date(model.created * 1000).toISOString().replace('.000Z', 'Z'),
  };
}

/**
 * The gateway's models as one page of Anthropic's list, for clients that send `anthropic-version` (the Anthropic
 * SDKs): `limit` (default 20, at most 1000), and `after_id` / `before_id` cursors over the gateway's own order.
 */
export function toAnthropicModelPage(
  models: AnthropicModelEntry[],
  query: { limit?: string; after_id?: string; before_id?: string },
): AnthropicModelPage {
  const asked = Number(query.limit);
  const limit = Number.isInteger(asked) && asked >= 1 ? Math.min(asked, MAX_LIMIT) : DEFAULT_LIMIT;
  let start = 0;
  let end = models.length;
  if (query.after_id) start = models.findIndex((model) => model.id === query.after_id) + 1;
  if (query.before_id) {
    const before = models.findIndex((model) => model.id === query.before_id);
    end = before === -1 ? models.length : before;
    start = Math.max(0, end - limit);
  }
  const data = models.slice(start, Math.min(end, start + limit));
  const hasMore = query.before_id ? start > 0 : start + limit < end;
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
