import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export type SpawnedGateway = {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT/v1`, for SDK clients. */
  baseURL: string;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Sends a signal and waits for the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
};

export type SpawnOptions = {
  /** A config object (written as JSON) or YAML text; omitted: no config file (self-configuration). */
  config?: object | string;
  env?: Record<string, string>;
  args?: string[];
  /** How long to wait for the ready line. */
  startTimeoutMs?: number;
  /** The working directory (default: a fresh temporary one); the config file is written there. */
  cwd?: string;
};

const cli = resolve(import.meta.dirname, '../../bin/switchboard.js');

/**
 * Spawns the real CLI (`switchboard serve --port 0`) the way a user runs it and waits for its ready line. The
 * environment is cleaned of provider keys and local probing is off unless a test turns it on, so tests never leave
 * 127.0.0.1.
 */
export async function spawnGateway(options: SpawnOptions = {}): Promise<SpawnedGateway> {
  const directory = options.cwd ?? mkdtempSync(join(tmpdir(), 'switchboard-test-'));
  const args = [cli, 'serve', '--port', '0', ...(options.args ?? [])];
  if (options.config !== undefined) {
    const path = join(directory, typeof options.config === 'string' ? 'switchboard.yaml' : 'switchboard.json');
    writeFileSync(path, typeof options.config === 'string' ? options.config : JSON.stringify(options.config));
    args.push('--config', path);
  }
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/_API_KEY$|^SWITCHBOARD_/.test(name)) env[name] = value;
  }
  Object.assign(env, { SWITCHBOARD_PROBE_LOCAL: 'false', SWITCHBOARD_LOG_LEVEL: 'warn' }, options.env);
  const child = spawn(process.execPath, args, { cwd: directory, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (data: Buffer) => {
    stdout += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gateway did not start in time.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.startTimeoutMs ?? 15_000);
    const check = () => {
      const match = stdout.match(/ready: (http:\/\/[^\s/]+)\/v1/);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1] as string);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before it was ready.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
  return {
    url,
    baseURL: `${url}/v1`,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs the CLI to completion (for `switchboard models`, bad configs…), bounded by a timeout. */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/_API_KEY$|^SWITCHBOARD_/.test(name)) env[name] = value;
  }
  Object.assign(env, { SWITCHBOARD_PROBE_LOCAL: 'false', SWITCHBOARD_LOG_LEVEL: 'warn' }, options.env);
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? mkdtempSync(join(tmpdir(), 'switchboard-cli-')),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (data: Buffer) => {
    stdout += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 15_000);
  const code = await new Promise<number | null>((resolveExit) =>
    child.once('exit', (exitCode) => resolveExit(exitCode)),
  );
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Writes a config file into a fresh folder and returns its path. */
export function writeConfigFile(config: object | string, name = 'switchboard.yaml'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'switchboard-config-')), name);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  return path;
}
