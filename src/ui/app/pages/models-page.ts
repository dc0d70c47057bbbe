import { field, h, notice, replace, scrollTable } from '../dom.ts';
import type { PageContext } from '../main.ts';
import { loadModels, type ModelEntry } from '../model-list.ts';
import { requestJson } from '../session.ts';
import { errorMessage } from './chat-controls.ts';
import type { HealthReport } from './health-table.ts';
import { stateBadge } from './health-table.ts';
import { needsGatewayKey } from './playground-page.ts';

/**
 * The discovered catalog: each model with the providers serving it, its kind and prices when the gateway lists them,
 * and the circuit state of each provider (and of the model on it) from `/health/providers`.
 */
export function renderModelsPage({ session, signIn }: PageContext): HTMLElement {
  if (!session.open && !session.gatewayKey) return needsGatewayKey(signIn);
  const search = h('input', { type: 'search', placeholder: 'Filter by model or provider', autocomplete: 'off' });
  const refresh = h('button', { type: 'button' }, 'Refresh');
  const body = h('div', { 'aria-live': 'polite' });
  let rows: CatalogRow[] = [];
  let health: HealthReport[] = [];

  const draw = () => {
    const needle = search.value.trim().toLowerCase();
    const shown = rows.filter(
      (row) => !needle || `${row.id} ${row.providers.join(' ')}`.toLowerCase().includes(needle),
    );
    replace(body, renderTable(shown, health), h('p', { class: 'muted' }, `${shown.length} of ${rows.length} models`));
  };
  const load = async (fresh: boolean) => {
    refresh.disabled = true;
    try {
      const [models, report] = await Promise.all([
        loadModels(session, fresh),
        requestJson<{ providers: HealthReport[] }>(session, 'none', '/health/providers').catch(() => ({
          providers: [],
        })),
      ]);
      rows = catalogRows(models);
      health = report.providers;
      draw();
    } catch (error) {
      replace(body, notice('error', errorMessage(error)));
    } finally {
      refresh.disabled = false;
    }
  };
  search.addEventListener('input', draw);
  refresh.addEventListener('click', () => void load(true));
  void load(false);
  return h(
    'div',
    { class: 'models' },
    h('h1', {}, 'Models'),
    h('div', { class: 'card toolbar' }, field('Filter', search), refresh),
    h('section', { class: 'card' }, body),
  );
}

type CatalogRow = { id: string; providers: string[]; entry: ModelEntry };

/** One row per model id, with every provider that serves it (its owner, and each `provider/id` listed). */
export function catalogRows(models: ModelEntry[]): CatalogRow[] {
  const owners = new Set(models.map((model) => model.owned_by).filter(Boolean));
  const rows = new Map<string, CatalogRow>();
  for (const model of models) {
    const slash = model.id.indexOf('/');
    const prefix = slash > 0 ? model.id.slice(0, slash) : '';
    if (prefix && owners.has(prefix)) {
      const id = model.id.slice(slash + 1);
      const row = rows.get(id) ?? { id, providers: [], entry: model };
      if (!row.providers.includes(prefix)) row.providers.push(prefix);
      rows.set(id, row);
    } else {
      const row = rows.get(model.id) ?? { id: model.id, providers: [], entry: model };
      row.entry = model;
      if (model.owned_by && !row.providers.includes(model.owned_by)) row.providers.unshift(model.owned_by);
      rows.set(model.id, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function renderTable(rows: CatalogRow[], health: HealthReport[]): HTMLElement {
  const byProvider = new Map(health.map((report) => [report.id, report]));
  return scrollTable(
    ['Model', 'Providers and circuit', 'Kind', 'Price'],
    rows.map((row) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, h('code', {}, row.id)),
        h(
          'td',
          {},
          ...row.providers.map((provider) => {
            const report = byProvider.get(provider);
            const model = report?.models.find((entry) => entry.model === row.id);
            return h(
              'span',
              { class: 'provider-chip' },
              provider,
              ' ',
              stateBadge(model?.state ?? report?.state ?? 'unknown'),
            );
          }),
        ),
        h('td', {}, kindOf(row.entry)),
        h('td', {}, priceOf(row.entry)),
      ),
    ),
  );
}

function kindOf(model: ModelEntry): string {
  if (typeof model.kind === 'string') return model.kind;
  return /embed/i.test(model.id) ? 'embedding' : 'chat';
}

/** Prices as the gateway lists them (USD per 1M tokens in, out), when it does. */
function priceOf(model: ModelEntry): string {
  const pricing = model.pricing as
    | { input?: unknown; output?: unknown; prompt?: unknown; completion?: unknown }
    | undefined;
  if (!pricing) return '—';
  const input = pricing.input ?? pricing.prompt;
  const output = pricing.output ?? pricing.completion;
  if (input === undefined && output === undefined) return '—';
  return `$${input ?? '?'} in · $${output ?? '?'} out`;
}
