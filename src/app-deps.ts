import type { ModelCatalog } from './catalog/model-catalog.ts';
import type { GatewayConfig } from './config/gateway-config.ts';

/** Structured logging; the Node runtime writes JSON lines, tests capture. */
export type Logger = {
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
};

/** Everything the gateway needs from its runtime, injected so the core stays Web-standard and testable. */
export type AppDeps = {
  config: GatewayConfig;
  catalog: ModelCatalog;
  fetch: typeof fetch;
  /** Milliseconds since the epoch. */
  now: () => number;
  generateId: (prefix: string) => string;
  logger: Logger;
  /** Keeps background work alive after the response (Workers' `waitUntil`); Node just lets it run. */
  waitUntil?: (work: Promise<unknown>) => void;
};

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `prefix` + 24 random base-62 characters from the Web Crypto API. */
export function generateId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let id = prefix;
  for (const byte of bytes) id += alphabet[byte % 62];
  return id;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
