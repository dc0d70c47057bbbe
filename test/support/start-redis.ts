import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type StartedRedis = {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** The running server's process id (changes on restart). */
  pid: () => number;
  /** SIGKILL: the server vanishes mid-conversation, as a crashed Redis does. */
  kill: () => Promise<void>;
  /** Starts a new server on the same port (empty: nothing was saved). */
  restart: () => Promise<void>;
  /** SIGTERM by PID and waits for it to go; removes the temporary directory. */
  stop: () => Promise<void>;
};

/** Whether `redis-server` is on the PATH (CI installs it with apt; a developer machine may not have it). */
export const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Starts a throwaway `redis-server` on a free 127.0.0.1 port: no persistence, daemonized with a pidfile, stopped by
 * that PID. Throws a clear error when `redis-server` is not installed.
 */
export async function startRedis(): Promise<StartedRedis> {
  if (!hasRedisServer) {
    throw new Error('redis-server is not installed: `apt-get install redis-server` (CI installs it in .ci/run)');
  }
  const directory = mkdtempSync(join(tmpdir(), 'switchboard-redis-'));
  const pidfile = join(directory, 'redis.pid');
  const port = await freePort();
  let pid = await launch(port, directory, pidfile);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => pid,
    async kill() {
      await signalAndWait(pid, 'SIGKILL');
      rmSync(pidfile, { force: true });
    },
    async restart() {
      pid = await launch(port, directory, pidfile);
    },
    async stop() {
      await signalAndWait(pid, 'SIGTERM');
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, directory: string, pidfile: string): Promise<number> {
  const result = spawnSync(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--pidfile',
      pidfile,
      '--dir',
      directory,
    ],
    { encoding: 'utf8', timeout: 5_000 },
  );
  if (result.status !== 0) throw new Error(`redis-server did not start: ${result.stderr || result.stdout}`);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (existsSync(pidfile) && (await ping(port))) return Number(readFileSync(pidfile, 'utf8').trim());
    await sleep(25);
  }
  throw new Error(`redis-server on 127.0.0.1:${port} did not answer PING within 5 s`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const finish = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG')));
  });
}

async function signalAndWait(pid: number, signal: NodeJS.Signals): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return;
    await sleep(20);
  }
  process.kill(pid, 'SIGKILL');
}

/** A daemonized server is not our child: where nothing reaps it, a dead one lingers as a zombie ('Z'). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
