import type { ProviderStatus } from '../../catalog/model-catalog.ts';
import type { GatewayConfig } from '../../config/gateway-config.ts';

/** The few lines printed at start: each provider, its model count or why it failed, the URL and the auth mode. */
export function formatStartupTable(statuses: ProviderStatus[], config: GatewayConfig, url: string): string {
  const lines: string[] = [];
  const shown = statuses.filter((status) => status.state !== 'absent');
  if (shown.length === 0) {
    lines.push('No providers found.');
    lines.push('  Add one: set a key such as OPENAI_API_KEY, ANTHROPIC_API_KEY or GROQ_API_KEY; start a local server');
    lines.push(
      '  (Ollama, LM Studio, vLLM, llama.cpp); or pass --config switchboard.yaml (see docs/configuration.md).',
    );
  } else {
    const rows = shown.map((status) => [
      status.id,
      status.type,
      status.source,
      status.state === 'ok' ? `${status.modelCount} models` : `failed: ${status.error ?? 'unknown error'}`,
    ]);
    const header = ['provider', 'format', 'from', 'models'];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
    );
    const format = (row: string[]) =>
      `  ${row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] as number) : cell)).join('  ')}`;
    lines.push(format(header));
    for (const row of rows) lines.push(format(row));
  }
  const absent = statuses.filter((status) => status.state === 'absent').map((status) => status.id);
  if (absent.length > 0) lines.push(`  (not running locally: ${absent.join(', ')})`);
  lines.push('');
  lines.push(`Web UI: ${url}/  (playground, compare, dashboard, models, keys)`);
  lines.push(`Switchboard is ready: ${url}/v1  (OpenAI SDK: baseURL "${url}/v1")`);
  lines.push(
    config.auth.keys.length > 0
      ? `Auth: ${config.auth.keys.length} key(s); clients send Authorization: Bearer <key> or x-api-key.`
      : 'Auth: open, no key needed. Set SWITCHBOARD_API_KEYS or auth.keys to require one.',
  );
  return lines.join('\n');
}
