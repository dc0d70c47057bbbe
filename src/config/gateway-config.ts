import type { ProviderDefinition } from '../providers/provider-adapter.ts';
import type { SmartWeights, StrategyName } from '../routing/strategies/routing-strategy.ts';
import type { ConfiguredPrices } from '../telemetry/price-catalog.ts';
import type { TelemetryConfig } from './telemetry-config-schema.ts';

/** The validated, resolved configuration the app runs on: every default applied, every `${ENV}` replaced. */
export type GatewayConfig = {
  auth: { keys: string[]; open: boolean; adminKey?: string };
  providers: ProviderDefinition[];
  routing: {
    strategy: StrategyName;
    /** Weighted strategy: by provider id or `provider/model`. */
    weights: Record<string, number>;
    /** Smart strategy: 0..1 by provider id. */
    proximity: Record<string, number>;
    smart: SmartWeights;
    exploration: number;
    /** Per model or group. */
    models: Record<string, { strategy?: StrategyName; weights?: Record<string, number>; smart?: SmartWeights }>;
    retries: number;
    timeoutMs: number;
    firstByteTimeoutMs: number;
    idleTimeoutMs: number;
    fallbacks: Record<string, string[]>;
    circuitBreaker: { windowMs: number; minRequests: number; errorRatio: number; openMs: number };
    hedging: { models: string[]; delayMs?: number };
    probes: { enabled: boolean; intervalMs: number; timeoutMs: number };
  };
  server: { port: number; host: string; bodyLimitBytes: number; corsOrigins: string[]; shutdownGraceMs: number };
  catalog: { ttlMs: number; discoveryTimeoutMs: number; probeLocal: boolean };
  /** Prices from config (USD per million tokens), ahead of model lists and the built-in table (docs/routing.md). */
  prices: ConfiguredPrices;
  /** Model groups: name → member models, in order. */
  groups: Record<string, string[]>;
  /** The `auto` model, when configured. */
  auto?: { models: AutoModel[]; strategy?: StrategyName };
  /** Defaults for virtual keys without their own limits, and per-provider limits (`providers[].limits`). */
  limits: {
    requestsPerMinute?: number;
    tokensPerMinute?: number;
    concurrentRequests?: number;
    budget?: { dailyUsd?: number; monthlyUsd?: number; totalUsd?: number };
    defaultMaxTokens: number;
    providers: Record<string, { requestsPerMinute?: number; tokensPerMinute?: number }>;
  };
  cache: { enabled: boolean; ttlSeconds: number; maxEntryBytes: number; models: string[]; shareAcrossKeys: boolean };
  /** Where shared state lives on Node (docs/scaling.md); a Worker uses its KV and Durable Object bindings instead. */
  state: {
    backend: 'memory' | 'sqlite' | 'redis';
    /** sqlite: the database file. */
    path: string;
    /** redis: the server URL (always set when the backend is redis). */
    url?: string;
    keyPrefix: string;
    timeoutMs: number;
    failMode: 'open' | 'closed';
  };
  /** Request log, traces, access log (docs/observability.md). */
  telemetry: TelemetryConfig;
  /** Whether the config came from a file (false: configured from the environment alone). */
  fromFile: boolean;
};

/** A model `auto` may pick, with what it can take (absent: assumed able). */
export type AutoModel = { model: string; tools?: boolean; vision?: boolean; json?: boolean; contextLength?: number };

export const configDefaults = {
  port: 8787,
  host: '127.0.0.1',
  bodyLimitBytes: 4 * 1024 * 1024,
  retries: 2,
  timeoutMs: 600_000,
  firstByteTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
  breakerWindowMs: 60_000,
  breakerMinRequests: 5,
  breakerErrorRatio: 0.5,
  breakerOpenMs: 30_000,
  shutdownGraceMs: 10_000,
  catalogTtlMs: 10 * 60_000,
  discoveryTimeoutMs: 5_000,
  exploration: 0.05,
  defaultMaxTokens: 1024,
  cacheTtlSeconds: 300,
  cacheMaxEntryBytes: 1024 * 1024,
  statePath: 'switchboard.sqlite',
  stateKeyPrefix: 'switchboard:',
  stateTimeoutMs: 250,
} as const;
