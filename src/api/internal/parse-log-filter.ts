import { GatewayError } from '../../canonical/index.ts';
import type { LogFilter, LogGroupBy, LogStatusFilter } from '../../state/log-store.ts';

/** A 400 naming the query parameter. */
export function invalidParameter(param: string, message: string): GatewayError {
  return new GatewayError({ status: 400, code: 'invalid_parameter', param, message });
}

/** A time as epoch milliseconds or an ISO 8601 date; undefined when absent. */
export function parseTime(value: string | undefined, param: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const time = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(time)) throw invalidParameter(param, `'${param}' must be epoch milliseconds or an ISO date.`);
  return time;
}

/** `ok`, `error` or an HTTP status. */
export function parseStatus(value: string | undefined): LogStatusFilter | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'ok' || value === 'error') return value;
  if (/^[1-5]\d\d$/.test(value)) return Number(value);
  throw invalidParameter('status', "'status' must be ok, error or an HTTP status such as 502.");
}

/** The filters shared by `/admin/logs` and `/admin/analytics`: from, to, model, provider, key, status. */
export function parseLogFilter(query: Record<string, string | undefined>): LogFilter {
  const filter: LogFilter = {};
  const from = parseTime(query.from, 'from');
  const to = parseTime(query.to, 'to');
  if (from !== undefined) filter.from = from;
  if (to !== undefined) filter.to = to;
  if (query.model) filter.model = query.model;
  if (query.provider) filter.provider = query.provider;
  if (query.key) filter.keyId = query.key;
  const status = parseStatus(query.status);
  if (status !== undefined) filter.status = status;
  return filter;
}

const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `1m`, `5m`, `1h`, `1d` … → milliseconds. */
export function parseBucket(value: string | undefined): number {
  const match = /^(\d{1,4})([smhd])$/.exec(value ?? '1h');
  const amount = Number(match?.[1]);
  if (!match || amount <= 0) throw invalidParameter('bucket', "'bucket' must look like 1m, 5m, 1h or 1d.");
  return amount * (units[match[2] as string] as number);
}

export function parseGroupBy(value: string | undefined): LogGroupBy {
  const groupBy = value ?? 'model';
  if (groupBy === 'model' || groupBy === 'provider' || groupBy === 'key') return groupBy;
  throw invalidParameter('groupBy', "'groupBy' must be model, provider or key.");
}
