import type { Logger } from '../../app-deps.ts';
import type { GatewayConfig } from '../../config/gateway-config.ts';
import type { LogStore } from '../../state/log-store.ts';
import { MemoryLogStore } from '../../state/memory/memory-log-store.ts';
import { SqliteLogStore } from '../../state/sqlite/sqlite-log-store.ts';
import { createTelemetry, type Telemetry } from '../../telemetry/create-telemetry.ts';
import { GatewayMetrics } from '../../telemetry/gateway-metrics.ts';

/** One metrics registry per process: a config reload keeps counting where it was (no counter reset). */
const metrics = new GatewayMetrics();

/** The request log of the running config, kept across reloads while `telemetry.log` is unchanged. */
let openLog: { fingerprint: string; store: LogStore } | undefined;

/**
 * Node telemetry: metrics, the request log (memory by default, or the SQLite file `telemetry.log.path`), OTLP traces
 * when configured, the access log. The log store and the metrics outlive a config reload.
 */
export function openNodeTelemetry(config: GatewayConfig, logger: Logger): Telemetry {
  return createTelemetry({
    config: config.telemetry,
    logger,
    fetch: globalThis.fetch,
    now: Date.now,
    metrics,
    ...(config.telemetry.log.backend === 'off' ? {} : { logStore: logStoreFor(config.telemetry.log, logger) }),
  });
}

function logStoreFor(log: GatewayConfig['telemetry']['log'], logger: Logger): LogStore {
  const fingerprint = JSON.stringify(log);
  if (openLog?.fingerprint === fingerprint) return openLog.store;
  const store =
    log.backend === 'sqlite'
      ? SqliteLogStore.open(`file:${log.path}`)
      : new MemoryLogStore({ maxEntries: log.maxEntries });
  if (log.backend === 'sqlite') logger.info('request_log_opened', { backend: 'sqlite', path: log.path });
  openLog = { fingerprint, store };
  return store;
}
