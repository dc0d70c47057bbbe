import type { ProviderDefinition } from '../providers/provider-adapter.ts';

/** The validated, resolved configuration the app runs on: every default applied, every `${ENV}` replaced. */
export type GatewayConfig = {
  auth: { keys: string[]; open: boolean };
  providers: ProviderDefinition[];
  routing: {
    strategy: 'priority';
    retries: number;
    timeoutMs: number;
    firstByteTimeoutMs: number;
    idleTimeoutMs: number;
    fallbacks: Record<string, string[]>;
    circuitBreaker: { windowMs: number; minRequests: number; errorRatio: number; openMs: number };
    hedging: { models: string[]; delayMs?: number };
  };
  server: { port: number; host: string; bodyLimitBytes: number; corsOrigins: string[]; shutdownGraceMs: number };
  catalog: { ttlMs: number; discoveryTimeoutMs: number; probeLocal: boolean };
  /** Whether the config came from a file (false: configured from the environment alone). */
  fromFile: boolean;
};

export const configDefaults = {
  port: 8787,
  host: '127.0.0.1',
  bodyLimitBytes: 4 * 1024 * 1024,
  retries: 2,
  timeoutMs: 30_000,
  firstByteTimeoutMs: 20_000,
  idleTimeoutMs: 60_000,
  breakerWindowMs: 60_000,
  breakerMinRequests: 5,
  breakerErrorRatio: 0.5,
  breakerOpenMs: 30_000,
  shutdownGraceMs: 10_000,
  catalogTtlMs: 10 * 60_000,
  discoveryTimeoutMs: 5_000,
} as const;
