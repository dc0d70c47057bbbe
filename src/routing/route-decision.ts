import type { ProviderPreferences } from './provider-preferences.ts';

/** How a request was routed: kept whole in the request record, summed up in the `x-switchboard-route` header. */
export type RouteDecision = {
  /** The model the client asked for: a model, a group or `auto`. */
  requested: string;
  kind: 'model' | 'group' | 'auto';
  /** The strategy that ordered the candidates (`throughput` for the `sort: "throughput"` preference). */
  strategy: string;
  /** Where the strategy came from. */
  strategySource: 'default' | 'config' | 'model' | 'auto' | 'header' | 'preference';
  preferences?: ProviderPreferences;
  /** The candidates in the order they were to be tried, with the model each serves and why it stands there. */
  candidates: Array<{ provider: string; model: string; servedAs: string; reason: string }>;
  /** Candidates left out, and why (preference, health, what `auto` needed). */
  excluded: Array<{ provider?: string; model: string; reason: string }>;
  /** Filled when an attempt succeeded. */
  chosen?: { provider: string; model: string; servedAs: string; attempts: number };
};

/** Any character but printable ASCII other than `;`: a value with none is used as it is. */
const needsCleaning = /[^\x20-\x3a\x3c-\x7e]/;

/** `provider=groq; model=llama-3.3-70b; strategy=smart; attempts=1; reason=score 0.91 (…)`: one line, no `;` inside values. */
export function formatRouteHeader(fields: Record<string, string | number>): string {
  let line = '';
  for (const key in fields) {
    const text = String(fields[key]);
    const value = needsCleaning.test(text) ? text.replace(/[;\r\n]/g, ',').replace(/[^\x20-\x7e]/g, '?') : text;
    line += line === '' ? `${key}=${value}` : `; ${key}=${value}`;
  }
  return line;
}
