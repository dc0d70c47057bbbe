import { escapeHtml } from './markdown.ts';

export type Series = { name: string; points: Array<{ x: number; y: number }> };

export type ChartOptions = {
  title: string;
  /** The x range (time buckets): points are placed on it, missing buckets read as 0 for bars. */
  xMin: number;
  xMax: number;
  formatX: (x: number) => string;
  formatY: (y: number) => string;
  width?: number;
  height?: number;
};

const margin = { top: 10, right: 12, bottom: 24, left: 52 };

/**
 * A line chart as an SVG string: one polyline per series, colours from CSS classes (`series-0` …), a `<title>` on every
 * point for the exact value, and an accessible name. Hand-written so the bundle carries no chart library.
 */
export function lineChart(series: Series[], options: ChartOptions): string {
  const { width, height, plot, x, y, yMax } = frame(series, options);
  const lines = series.map((line, index) => {
    const sorted = [...line.points].sort((a, b) => a.x - b.x);
    const path = sorted.map((point) => `${x(point.x).toFixed(1)},${y(point.y).toFixed(1)}`).join(' ');
    const dots = sorted
      .map(
        (point) =>
          `<circle cx="${x(point.x).toFixed(1)}" cy="${y(point.y).toFixed(1)}" r="2.5"><title>${escapeHtml(line.name)} · ${escapeHtml(options.formatX(point.x))}: ${escapeHtml(options.formatY(point.y))}</title></circle>`,
      )
      .join('');
    return `<g class="series series-${index % 8}"><polyline points="${path}" fill="none"/>${dots}</g>`;
  });
  return svg(options, width, height, axes(options, plot, yMax) + lines.join(''));
}

/** Stacked bars per x bucket (e.g. spend by model per hour). */
export function barChart(series: Series[], options: ChartOptions & { bucketWidth: number }): string {
  const totals = new Map<number, number>();
  for (const line of series) for (const point of line.points) totals.set(point.x, (totals.get(point.x) ?? 0) + point.y);
  const { width, height, plot, x, y, yMax } = frame(
    [{ name: '', points: [...totals].map(([px, py]) => ({ x: px, y: py })) }],
    {
      ...options,
      xMax: options.xMax,
    },
  );
  const barWidth = Math.max(2, (plot.width * options.bucketWidth) / Math.max(1, options.xMax - options.xMin) - 2);
  const stacked = new Map<number, number>();
  const bars = series.map((line, index) => {
    const rects = line.points
      .filter((point) => point.y > 0)
      .map((point) => {
        const base = stacked.get(point.x) ?? 0;
        stacked.set(point.x, base + point.y);
        const top = y(base + point.y);
        const barHeight = Math.max(1, y(base) - top);
        return `<rect x="${(x(point.x) + 1).toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${barHeight.toFixed(1)}"><title>${escapeHtml(line.name)} · ${escapeHtml(options.formatX(point.x))}: ${escapeHtml(options.formatY(point.y))}</title></rect>`;
      })
      .join('');
    return `<g class="series series-${index % 8}">${rects}</g>`;
  });
  return svg(options, width, height, axes(options, plot, yMax) + bars.join(''));
}

function frame(series: Series[], options: ChartOptions) {
  const width = options.width ?? 480;
  const height = options.height ?? 180;
  const plot = {
    left: margin.left,
    top: margin.top,
    width: width - margin.left - margin.right,
    height: height - margin.top - margin.bottom,
  };
  const yMax = niceMax(Math.max(0, ...series.flatMap((line) => line.points.map((point) => point.y))));
  const span = Math.max(1, options.xMax - options.xMin);
  const x = (value: number) => plot.left + ((value - options.xMin) / span) * plot.width;
  const y = (value: number) => plot.top + plot.height - (value / yMax) * plot.height;
  return { width, height, plot, x, y, yMax };
}

function axes(
  options: ChartOptions,
  plot: { left: number; top: number; width: number; height: number },
  yMax: number,
): string {
  const parts: string[] = [];
  for (let step = 0; step <= 2; step++) {
    const value = (yMax * step) / 2;
    const py = plot.top + plot.height - (step / 2) * plot.height;
    parts.push(`<line class="grid" x1="${plot.left}" x2="${plot.left + plot.width}" y1="${py}" y2="${py}"/>`);
    parts.push(
      `<text class="tick" x="${plot.left - 6}" y="${py + 4}" text-anchor="end">${escapeHtml(options.formatY(value))}</text>`,
    );
  }
  const baseline = plot.top + plot.height + 16;
  parts.push(`<text class="tick" x="${plot.left}" y="${baseline}">${escapeHtml(options.formatX(options.xMin))}</text>`);
  parts.push(
    `<text class="tick" x="${plot.left + plot.width}" y="${baseline}" text-anchor="end">${escapeHtml(options.formatX(options.xMax))}</text>`,
  );
  return parts.join('');
}

function svg(options: ChartOptions, width: number, height: number, body: string): string {
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.title)}">${body}</svg>`;
}

/** 1, 2 or 5 times a power of ten, at least the value (and at least 1 unit so an empty chart has an axis). */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= value) return factor * power;
  return 10 * power;
}
