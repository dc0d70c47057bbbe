import { barChart, lineChart, type Series } from '../charts.ts';
import { field, h, notice, replace } from '../dom.ts';
import { formatCount, formatMs, formatTime, formatUsd, formatUsdShort } from '../format.ts';
import type { PageContext } from '../main.ts';
import { ApiError, requestJson } from '../session.ts';
import { errorMessage } from './chat-controls.ts';
import { type HealthReport, renderHealthTable } from './health-table.ts';

type AnalyticsRow = {
  bucketStart: number;
  group: string | null;
  requests: number;
  errors: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
};

type LogRecord = {
  time: string;
  modelAsked: string;
  provider?: string;
  status: number;
  error?: { type: string; code: string | null; message: string };
};

const ranges = [
  { label: 'Last 15 minutes', ms: 15 * 60_000, bucket: '1m', bucketMs: 60_000 },
  { label: 'Last hour', ms: 3600_000, bucket: '2m', bucketMs: 120_000 },
  { label: 'Last 6 hours', ms: 6 * 3600_000, bucket: '10m', bucketMs: 600_000 },
  { label: 'Last 24 hours', ms: 86_400_000, bucket: '1h', bucketMs: 3600_000 },
  { label: 'Last 7 days', ms: 7 * 86_400_000, bucket: '6h', bucketMs: 6 * 3600_000 },
];

/**
 * The dashboard: traffic over time from `/admin/analytics` (requests, errors, p50/p95 latency, tokens, spend by model,
 * provider or key), provider health and circuit state from `/health/providers`, top errors from `/admin/logs`.
 */
export function renderDashboardPage({ session, signIn }: PageContext): HTMLElement {
  const range = h(
    'select',
    { name: 'range' },
    ...ranges.map((entry, index) => h('option', { value: String(index) }, entry.label)),
  );
  range.value = '1';
  const groupBy = h(
    'select',
    { name: 'groupBy' },
    h('option', { value: 'model' }, 'Model'),
    h('option', { value: 'provider' }, 'Provider'),
    h('option', { value: 'key' }, 'Key'),
  );
  const refresh = h('button', { type: 'button' }, 'Refresh');
  const traffic = h('section', { class: 'dashboard-traffic', 'aria-live': 'polite' });
  const health = h('section', { class: 'card', 'aria-labelledby': 'health-title' });
  const errors = h('section', { class: 'card', 'aria-labelledby': 'errors-title' });

  const load = async () => {
    refresh.disabled = true;
    const selected = ranges[Number(range.value)] ?? (ranges[1] as (typeof ranges)[number]);
    const to = Date.now();
    const from = to - selected.ms;
    await Promise.all([loadTraffic(from, to, selected.bucket, selected.bucketMs), loadHealth(), loadErrors(from, to)]);
    refresh.disabled = false;
  };

  const loadTraffic = async (from: number, to: number, bucket: string, bucketMs: number) => {
    if (!session.adminKey) {
      replace(
        traffic,
        h(
          'div',
          { class: 'card' },
          notice('info', 'Traffic charts need the admin key.'),
          h('button', { type: 'button', onclick: signIn }, 'Add the admin key'),
        ),
      );
      return;
    }
    try {
      const query = new URLSearchParams({ from: String(from), to: String(to), bucket, groupBy: groupBy.value });
      const answer = await requestJson<{ data: AnalyticsRow[] }>(session, 'admin', `/admin/analytics?${query}`);
      replace(traffic, renderTraffic(answer.data, { from: Math.floor(from / bucketMs) * bucketMs, to, bucketMs }));
    } catch (error) {
      replace(traffic, h('div', { class: 'card' }, unavailableOrError(error, 'Analytics (/admin/analytics)')));
    }
  };

  const loadHealth = async () => {
    try {
      const answer = await requestJson<{ providers: HealthReport[] }>(session, 'none', '/health/providers');
      replace(health, h('h2', { id: 'health-title' }, 'Provider health'), renderHealthTable(answer.providers));
    } catch (error) {
      replace(health, h('h2', { id: 'health-title' }, 'Provider health'), unavailableOrError(error, 'Provider health'));
    }
  };

  const loadErrors = async (from: number, to: number) => {
    const title = h('h2', { id: 'errors-title' }, 'Top errors');
    if (!session.adminKey) {
      replace(errors, title, notice('info', 'The request log needs the admin key.'));
      return;
    }
    try {
      const query = new URLSearchParams({ from: String(from), to: String(to), status: 'error', limit: '500' });
      const answer = await requestJson<{ data: LogRecord[] }>(session, 'admin', `/admin/logs?${query}`);
      replace(errors, title, renderTopErrors(answer.data));
    } catch (error) {
      replace(errors, title, unavailableOrError(error, 'The request log (/admin/logs)'));
    }
  };

  range.addEventListener('change', () => void load());
  groupBy.addEventListener('change', () => void load());
  refresh.addEventListener('click', () => void load());
  void load();
  return h(
    'div',
    { class: 'dashboard' },
    h('h1', {}, 'Dashboard'),
    h('div', { class: 'card toolbar' }, field('Time range', range), field('Group by', groupBy), refresh),
    traffic,
    h('div', { class: 'dashboard-lower' }, health, errors),
  );
}

function unavailableOrError(error: unknown, what: string): HTMLElement {
  if (error instanceof ApiError && error.unavailable) {
    return notice('unavailable', `${what} is not available on this gateway: ${error.message}`);
  }
  return notice('error', errorMessage(error));
}

function renderTraffic(rows: AnalyticsRow[], window: { from: number; to: number; bucketMs: number }): HTMLElement {
  const groups = [...new Set(rows.map((row) => row.group ?? '(none)'))];
  const seriesOf = (value: (row: AnalyticsRow) => number): Series[] =>
    groups.map((name) => ({
      name,
      points: rows
        .filter((row) => (row.group ?? '(none)') === name)
        .map((row) => ({ x: row.bucketStart, y: value(row) })),
    }));
  const total = (value: (row: AnalyticsRow) => number) => rows.reduce((sum, row) => sum + value(row), 0);
  const requests = total((row) => row.requests);
  const errorCount = total((row) => row.errors);
  const weighted = (value: (row: AnalyticsRow) => number) =>
    requests ? rows.reduce((sum, row) => sum + value(row) * row.requests, 0) / requests : undefined;
  const span = window.to - window.from;
  const base = {
    xMin: window.from,
    xMax: window.to,
    formatX: (x: number) => formatTime(x, span),
  };
  const chart = (title: string, svg: string) =>
    h('figure', { class: 'card chart-card' }, h('figcaption', {}, title), svgElement(svg));
  const tiles: Array<[string, string]> = [
    ['Requests', formatCount(requests)],
    ['Errors', requests ? `${formatCount(errorCount)} (${((errorCount / requests) * 100).toFixed(1)}%)` : '0'],
    ['p50 latency', formatMs(weighted((row) => row.latencyP50Ms))],
    ['p95 latency', formatMs(weighted((row) => row.latencyP95Ms))],
    ['Tokens', formatCount(total((row) => row.promptTokens + row.completionTokens))],
    ['Spend', formatUsd(total((row) => row.costUsd))],
  ];
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Series' },
    ...groups.map((name, index) =>
      h('li', {}, h('span', { class: `swatch series-${index % 8}`, 'aria-hidden': 'true' }), name),
    ),
  );
  return h(
    'div',
    {},
    h(
      'dl',
      { class: 'tiles' },
      ...tiles.map(([name, value]) =>
        h('div', { class: 'card tile' }, h('dt', {}, name), h('dd', { 'data-tile': name }, value)),
      ),
    ),
    rows.length ? legend : notice('info', 'No requests in this range yet.'),
    h(
      'div',
      { class: 'charts' },
      chart(
        'Requests',
        lineChart(
          seriesOf((row) => row.requests),
          { ...base, title: 'Requests per bucket', formatY: formatCount },
        ),
      ),
      chart(
        'Errors',
        lineChart(
          seriesOf((row) => row.errors),
          { ...base, title: 'Errors per bucket', formatY: formatCount },
        ),
      ),
      chart(
        'Latency p50',
        lineChart(
          seriesOf((row) => row.latencyP50Ms),
          { ...base, title: 'Latency p50', formatY: formatMs },
        ),
      ),
      chart(
        'Latency p95',
        lineChart(
          seriesOf((row) => row.latencyP95Ms),
          { ...base, title: 'Latency p95', formatY: formatMs },
        ),
      ),
      chart(
        'Tokens',
        barChart(
          seriesOf((row) => row.promptTokens + row.completionTokens),
          {
            ...base,
            title: 'Tokens per bucket',
            formatY: formatCount,
            bucketWidth: window.bucketMs,
          },
        ),
      ),
      chart(
        'Spend',
        barChart(
          seriesOf((row) => row.costUsd),
          { ...base, title: 'Spend per bucket', formatY: formatUsdShort, bucketWidth: window.bucketMs },
        ),
      ),
    ),
  );
}

function renderTopErrors(records: LogRecord[]): HTMLElement {
  const counts = new Map<string, { count: number; last: string; record: LogRecord }>();
  for (const record of records) {
    const key = `${record.status} ${record.error?.code ?? record.error?.type ?? ''} ${record.error?.message ?? ''}`;
    const entry = counts.get(key);
    if (entry) entry.count++;
    else counts.set(key, { count: 1, last: record.time, record });
  }
  const top = [...counts.values()].sort((a, b) => b.count - a.count).slice(0, 10);
  if (!top.length) return notice('info', 'No errors in this range.');
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Count'),
        h('th', {}, 'Status'),
        h('th', {}, 'Error'),
        h('th', {}, 'Model'),
        h('th', {}, 'Last'),
      ),
    ),
    h(
      'tbody',
      {},
      ...top.map(({ count, last, record }) =>
        h(
          'tr',
          {},
          h('td', {}, count),
          h('td', {}, record.status),
          h('td', {}, h('code', {}, record.error?.code ?? record.error?.type ?? ''), ' ', record.error?.message ?? ''),
          h('td', {}, record.modelAsked, record.provider ? ` (${record.provider})` : ''),
          h('td', {}, new Date(last).toLocaleTimeString()),
        ),
      ),
    ),
  );
}

/** Parses chart markup built by charts.ts (escaped strings only) into an SVG element. */
function svgElement(markup: string): Element {
  const template = document.createElement('template');
  template.innerHTML = markup;
  return template.content.firstElementChild as Element;
}
