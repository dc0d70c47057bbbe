import { h, scrollTable } from '../dom.ts';
import { formatMs } from '../format.ts';

/** One provider in `GET /health/providers`. */
export type HealthReport = {
  id: string;
  type: string;
  discovery: { state: string; models: number; error?: string };
  state: string;
  errorRate: number;
  requests: number;
  latencyMs?: number;
  lastError?: string;
  models: Array<{
    model: string;
    state: string;
    errorRate: number;
    requests: number;
    latencyMs?: number;
    lastError?: string;
  }>;
};

/** Circuit state as a badge: closed (healthy), half-open (probing), open (failing over), parked (429). */
export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `state state-${state.replace(/[^a-z-]/gi, '')}` }, state);
}

export function renderHealthTable(providers: HealthReport[]): HTMLElement {
  if (!providers.length) return h('p', {}, 'No providers.');
  const rows = providers.flatMap((provider) => [
    h(
      'tr',
      {},
      h(
        'th',
        { scope: 'row' },
        provider.id,
        h('small', { class: 'muted' }, ` ${provider.type} · ${provider.discovery.models} models`),
      ),
      h('td', {}, stateBadge(provider.state)),
      h('td', {}, `${(provider.errorRate * 100).toFixed(0)}%`),
      h('td', {}, provider.requests),
      h('td', {}, formatMs(provider.latencyMs)),
      h('td', { class: 'wrap' }, provider.lastError ?? provider.discovery.error ?? ''),
    ),
    ...provider.models.map((model) =>
      h(
        'tr',
        { class: 'sub' },
        h('th', { scope: 'row' }, `↳ ${model.model}`),
        h('td', {}, stateBadge(model.state)),
        h('td', {}, `${(model.errorRate * 100).toFixed(0)}%`),
        h('td', {}, model.requests),
        h('td', {}, formatMs(model.latencyMs)),
        h('td', { class: 'wrap' }, model.lastError ?? ''),
      ),
    ),
  ]);
  return scrollTable(['Provider', 'Circuit', 'Errors', 'Requests', 'Latency', 'Last error'], rows);
}
