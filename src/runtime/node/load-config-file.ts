import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GatewayConfig } from '../../config/gateway-config.ts';
import { resolveGatewayConfig } from '../../config/resolve-gateway-config.ts';

const defaultNames = ['switchboard.yaml', 'switchboard.yml', 'switchboard.json'];

/**
 * The config for a Node process: `--config`, else `SWITCHBOARD_CONFIG` (a path), else a `switchboard.yaml|yml|json`
 * in the working directory, else none (self-configuration from the environment and local servers).
 */
export async function loadConfigFile(
  path: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ config: GatewayConfig; path?: string }> {
  const chosen = path ?? env.SWITCHBOARD_CONFIG ?? defaultNames.find((name) => existsSync(name));
  if (!chosen) return { config: resolveGatewayConfig(undefined, env) };
  const absolute = resolve(chosen);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : String(error);
    throw new Error(`config: ${absolute} ${reason}. Fix: pass the path of a YAML or JSON config file.`);
  }
  return { config: resolveGatewayConfig(await parseFileText(text), env), path: absolute };
}

/** JSON directly; anything else through the YAML parser, loaded only then (it costs memory a JSON config need not). */
async function parseFileText(text: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch {
    const { parseConfigText } = await import('../../config/parse-gateway-config.ts');
    return parseConfigText(text);
  }
}
