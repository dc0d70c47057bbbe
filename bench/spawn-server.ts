import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A server process the bench started, with its own RSS and CPU time read from /proc. */
export type SpawnedServer = {
  name: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  pid: number;
  /** VmRSS and VmHWM (peak) in MB, user+system CPU time in ms. */
  stats: () => { rssMb: number; peakRssMb: number; cpuMs: number };
  stderr: () => string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves on exit. */
  stop: (graceMs?: number) => Promise<void>;
};

const clockTicksPerSecond = 100;

/** Starts `node <args>` and waits (bounded) for a line matching `ready` whose first group is the server's URL. */
export async function spawnServer(
  name: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; ready: RegExp; timeoutMs?: number },
): Promise<SpawnedServer> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (data: Buffer) => {
    stdout += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString()).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start in time.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    const check = () => {
      const match = stdout.match(options.ready);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${name} exited before it was ready.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`${name} is not on 127.0.0.1: ${url}`);
  const pid = child.pid as number;
  return {
    name,
    url,
    pid,
    stats: () => readProcStats(pid),
    stderr: () => stderr,
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function readProcStats(pid: number): { rssMb: number; peakRssMb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, cpuMs: (ticks * 1000) / clockTicksPerSecond };
}
