import type { Labels, MetricFamily } from './metrics-registry.ts';

/** The content type of the Prometheus text exposition format this module writes. */
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Metric families in the Prometheus text format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): HELP and TYPE lines, one line per
 * series, histograms as cumulative `_bucket{le=…}` lines ending with `+Inf`, then `_sum` and `_count`.
 */
export function toPrometheusText(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    if (family.type === 'histogram') {
      for (const sample of family.samples) {
        family.buckets.forEach((bound, index) => {
          const labels = formatLabels({ ...sample.labels, le: formatNumber(bound) });
          lines.push(`${family.name}_bucket${labels} ${formatNumber(sample.bucketCounts[index] ?? 0)}`);
        });
        lines.push(`${family.name}_bucket${formatLabels({ ...sample.labels, le: '+Inf' })} ${sample.count}`);
        lines.push(`${family.name}_sum${formatLabels(sample.labels)} ${formatNumber(sample.sum)}`);
        lines.push(`${family.name}_count${formatLabels(sample.labels)} ${sample.count}`);
      }
    } else {
      for (const sample of family.samples) {
        lines.push(`${family.name}${formatLabels(sample.labels)} ${formatNumber(sample.value)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** Label values escape backslash, double quote and line feed. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
