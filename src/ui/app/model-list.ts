import { requestJson, type Session } from './session.ts';

/** A `/v1/models` entry; fields beyond the OpenAI four are shown when a gateway sends them. */
export type ModelEntry = {
  id: string;
  owned_by?: string;
  created?: number;
  kind?: string;
  pricing?: Record<string, unknown>;
  [field: string]: unknown;
};

export type ModelGroup = { provider: string; models: ModelEntry[] };

let cached: Promise<ModelEntry[]> | undefined;

/** The gateway's models (once per page load unless `refresh`). */
export function loadModels(session: Session, refresh = false): Promise<ModelEntry[]> {
  if (refresh || !cached) {
    cached = requestJson<{ data: ModelEntry[] }>(session, 'gateway', '/v1/models').then((list) => list.data);
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}

/**
 * Groups `/v1/models` for a picker: every plain id once under "Routed" (the gateway picks the provider), then each
 * provider with its `provider/model` ids. An id is a prefixed one when its prefix names a provider that owns models.
 */
export function groupModels(models: ModelEntry[]): ModelGroup[] {
  const providers = new Set(models.map((model) => model.owned_by).filter((owner): owner is string => !!owner));
  const routed: ModelEntry[] = [];
  const byProvider = new Map<string, ModelEntry[]>();
  for (const model of models) {
    const slash = model.id.indexOf('/');
    const prefix = slash > 0 ? model.id.slice(0, slash) : undefined;
    if (prefix && providers.has(prefix)) {
      const list = byProvider.get(prefix) ?? [];
      list.push(model);
      byProvider.set(prefix, list);
    } else {
      routed.push(model);
    }
  }
  const groups: ModelGroup[] = [];
  if (routed.length) groups.push({ provider: 'Routed (any provider)', models: routed });
  for (const [provider, list] of [...byProvider].sort(([a], [b]) => a.localeCompare(b))) {
    groups.push({ provider, models: list });
  }
  return groups;
}

/** A `<select>` of the models, grouped by provider, narrowed by `filter` (case-insensitive substring). */
export function fillModelSelect(select: HTMLSelectElement, groups: ModelGroup[], filter = ''): void {
  const previous = select.value;
  const needle = filter.trim().toLowerCase();
  select.replaceChildren();
  for (const group of groups) {
    const matches = group.models.filter((model) => !needle || model.id.toLowerCase().includes(needle));
    if (!matches.length) continue;
    const optgroup = document.createElement('optgroup');
    optgroup.label = group.provider;
    for (const model of matches) optgroup.append(new Option(model.id, model.id));
    select.append(optgroup);
  }
  if ([...select.options].some((option) => option.value === previous)) select.value = previous;
}
