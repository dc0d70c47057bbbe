/** Number and time formats for stats lines, tables and chart axes. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

export function formatUsd(usd: number | undefined): string {
  if (usd === undefined || !Number.isFinite(usd)) return '—';
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toPrecision(2)}` : `$${usd.toFixed(2)}`;
}

export function formatCount(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (Math.abs(value) >= 10_000) return `${(value / 1000).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export function formatTime(epochMs: number, spanMs: number): string {
  const date = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return spanMs > 36 * 3600_000 ? `${date.getMonth() + 1}/${date.getDate()} ${clock}` : clock;
}

/** Short dollar amounts for chart axes ($5e-5 rather than $0.000050). */
export function formatUsdShort(usd: number): string {
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toExponential(0)}` : `$${usd.toFixed(2)}`;
}
