import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GatewayConfig } from '../../config/gateway-config.ts';
import { parseGatewayConfig } from '../../config/parse-gateway-config.ts';

const defaultNames = ['switchboard.yaml', 'switchboard.yml', 'switchboard.json'];

/**
 * The config for a Node process: `--config`, else `SWITCHBOARD_CONFIG` (a path), else a `switchboard.yaml|yml|json`
 * in the working directory, else none (self-configuration from the environment and local servers).
 */
export function loadConfigFile(
  path: string | undefined,
  env: NodeJS.ProcessEnv,
): { config: GatewayConfig; path?: string } {
  const chosen = path ?? env.SWITCHBOARD_CONFIG ?? defaultNames.find((name) => existsSync(name));
  if (!chosen) return { config: parseGatewayConfig(undefined, env) };
  const absolute = resolve(chosen);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : String(error);
    throw new Error(`config: ${absolute} ${reason}. Fix: pass the path of a YAML or JSON config file.`);
  }
  return { config: parseGatewayConfig(text, env), path: absolute };
}
