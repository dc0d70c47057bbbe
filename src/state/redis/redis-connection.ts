import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';

/** Longest wait for a reply; a dead or partitioned Redis fails a request after this, it never hangs one. */
export const DEFAULT_REDIS_TIMEOUT_MS = 250;

export type RedisConnectionOptions = {
  /** e.g. redis://127.0.0.1:6379, rediss://user:password@host:6380/2 */
  url: string;
  /** Prepended to every key, so several gateways (or other apps) can share one Redis. */
  keyPrefix?: string;
  timeoutMs?: number;
};

/**
 * One ioredis client configured for a request path: commands never queue while Redis is away (they fail at once and
 * the guarded stores apply the fail mode), a reply slower than `timeoutMs` is an error, commands cut off by a
 * dropped connection are not replayed later (a replayed `addWithinLimit` would count a request twice), and the
 * client reconnects in the background every second at most.
 */
export class RedisConnection {
  readonly client: Redis;
  readonly keyPrefix: string;
  readonly timeoutMs: number;
  private everReady = false;
  private firstAttemptOver = false;
  private firstReady: Promise<void> | undefined;
  private readonly scriptHashes = new Map<string, string>();

  constructor(options: RedisConnectionOptions) {
    this.keyPrefix = options.keyPrefix ?? 'switchboard:';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
    this.client = new Redis(options.url, {
      commandTimeout: this.timeoutMs,
      connectTimeout: Math.max(1_000, this.timeoutMs * 4),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
      lazyConnect: false,
    });
    this.client.on('ready', () => {
      this.everReady = true;
    });
    // The first attempt failed (Redis down at start): stop making requests wait for a connection that is not coming.
    this.client.on('close', () => {
      this.firstAttemptOver = true;
    });
    // Failures reach callers as rejected commands (logged once per outage by the guarded stores); without a
    // listener ioredis would print every reconnect error to the console.
    this.client.on('error', () => undefined);
  }

  key(key: string): string {
    return this.keyPrefix + key;
  }

  /**
   * Waits for the first connection attempt (bounded by the timeout) so requests right after start are not refused;
   * after it (connected or not), a missing connection fails commands at once instead of making every request wait.
   */
  whenReady(): Promise<void> {
    if (this.client.status === 'ready' || this.everReady || this.firstAttemptOver) return Promise.resolve();
    // One shared wait for every caller, so a burst at start adds one listener, not one per request.
    this.firstReady ??= new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('ready', done);
        this.client.off('close', done);
        this.firstReady = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.timeoutMs);
      this.client.once('ready', done);
      this.client.once('close', done);
    });
    return this.firstReady;
  }

  /** Runs a Lua script by its SHA1 (EVALSHA), loading it with EVAL when Redis does not know it yet. */
  async runScript(script: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    await this.whenReady();
    let hash = this.scriptHashes.get(script);
    if (hash === undefined) {
      hash = createHash('sha1').update(script).digest('hex');
      this.scriptHashes.set(script, hash);
    }
    try {
      return await this.client.evalsha(hash, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
      return this.client.eval(script, keys.length, ...keys, ...args);
    }
  }

  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}
