import { parseArgs } from 'node:util';

export const keysUsage = `Usage:
  switchboard keys create [--name N] [--owner O] [--team T] [--models 'gpt-4o*,claude-*'] [--expires ISO-TIME]
                          [--rpm N] [--tpm N] [--concurrent N] [--daily-usd X] [--monthly-usd X] [--total-usd X]
  switchboard keys list
  switchboard keys get <id>
  switchboard keys update <id> [same options as create]
  switchboard keys revoke <id>
  switchboard keys rotate <id>

Talks to the admin API of a running gateway: --url (default http://127.0.0.1:8787 or SWITCHBOARD_URL) and
--admin-key (or SWITCHBOARD_ADMIN_KEY). create and rotate print the secret once; it cannot be shown again.`;

type Output = { out: (text: string) => void; err: (text: string) => void };

/** `switchboard keys …`: a thin client of `/admin/keys`. Returns the exit code. */
export async function keysCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  output: Output,
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      'admin-key': { type: 'string' },
      name: { type: 'string' },
      owner: { type: 'string' },
      team: { type: 'string' },
      models: { type: 'string' },
      expires: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      concurrent: { type: 'string' },
      'daily-usd': { type: 'string' },
      'monthly-usd': { type: 'string' },
      'total-usd': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action, id] = positionals;
  if (values.help || !action) {
    output.out(`${keysUsage}\n`);
    return action || values.help ? 0 : 2;
  }
  const adminKey = values['admin-key'] ?? env.SWITCHBOARD_ADMIN_KEY;
  if (!adminKey) {
    output.err('No admin key: pass --admin-key or set SWITCHBOARD_ADMIN_KEY.\n');
    return 2;
  }
  // The examples' SWITCHBOARD_URL is the /v1 base; the admin API lives at the root.
  const base = (values.url ?? env.SWITCHBOARD_URL ?? 'http://127.0.0.1:8787').replace(/\/+$/, '').replace(/\/v1$/, '');
  const needsId = ['get', 'update', 'revoke', 'rotate'];
  if (needsId.includes(action) && !id) {
    output.err(`keys ${action} needs a key id.\n\n${keysUsage}\n`);
    return 2;
  }
  const path = `/admin/keys${id ? `/${encodeURIComponent(id)}` : ''}`;
  const routes: Record<string, { method: string; path: string; body?: Record<string, unknown> }> = {
    create: { method: 'POST', path: '/admin/keys', body: inputFrom(values) },
    list: { method: 'GET', path },
    get: { method: 'GET', path },
    update: { method: 'PATCH', path, body: inputFrom(values) },
    revoke: { method: 'POST', path: `${path}/revoke` },
    rotate: { method: 'POST', path: `${path}/rotate` },
  };
  const route = routes[action];
  if (!route) {
    output.err(`Unknown keys command '${action}'.\n\n${keysUsage}\n`);
    return 2;
  }
  let response: Response;
  try {
    response = await fetchImpl(`${base}${route.path}`, {
      method: route.method,
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      ...(route.body ? { body: JSON.stringify(route.body) } : {}),
    });
  } catch (error) {
    output.err(`Cannot reach the gateway at ${base}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
    } catch {
      // Not JSON: show it as it came.
    }
    output.err(`${response.status}: ${message}\n`);
    return 1;
  }
  output.out(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  if (action === 'create' || action === 'rotate') {
    output.err('Store the secret now: the gateway keeps only its hash and cannot show it again.\n');
  }
  return 0;
}

function inputFrom(values: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const number = (name: string) => {
    const value = text(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) throw new Error(`--${name}: '${value}' is not a number.`);
    return parsed;
  };
  for (const field of ['name', 'owner', 'team'] as const) if (text(field) !== undefined) input[field] = text(field);
  if (text('expires') !== undefined) input.expiresAt = text('expires');
  const models = text('models');
  if (models !== undefined)
    input.models = models
      .split(',')
      .map((model) => model.trim())
      .filter(Boolean);
  const limits = pick({
    requestsPerMinute: number('rpm'),
    tokensPerMinute: number('tpm'),
    concurrentRequests: number('concurrent'),
  });
  if (limits) input.limits = limits;
  const budget = pick({
    dailyUsd: number('daily-usd'),
    monthlyUsd: number('monthly-usd'),
    totalUsd: number('total-usd'),
  });
  if (budget) input.budget = budget;
  return input;
}

function pick(fields: Record<string, number | undefined>): Record<string, number> | undefined {
  const defined = Object.entries(fields).filter((entry): entry is [string, number] => entry[1] !== undefined);
  return defined.length > 0 ? Object.fromEntries(defined) : undefined;
}
