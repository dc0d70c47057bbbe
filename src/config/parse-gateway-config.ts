import { parse as parseYaml } from 'yaml';
import { ConfigError } from './config-error.ts';
import type { GatewayConfig } from './gateway-config.ts';
import { resolveGatewayConfig } from './resolve-gateway-config.ts';

/**
 * Config text (YAML or JSON; absent when there is no file) plus the environment → the resolved config.
 * Throws `ConfigError` naming the field, the problem and the fix.
 */
export function parseGatewayConfig(text: string | undefined, env: Record<string, string | undefined>): GatewayConfig {
  return resolveGatewayConfig(text === undefined ? undefined : parseConfigText(text), env);
}

/** YAML or JSON text → its value (an empty file is an empty config). */
export function parseConfigText(text: string): unknown {
  try {
    // YAML is a superset of JSON, so one parser reads both.
    return parseYaml(text) ?? {};
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError('(file)', `is not valid YAML or JSON (${detail})`, 'fix the syntax at the position shown');
  }
}
