import type { Logger } from '../../app-deps.ts';
import type { GatewayConfig } from '../../config/gateway-config.ts';
import type { LogStore } from '../../state/log-store.ts';
import { MemoryLogStore } from '../../state/memory/memory-log-store.ts';
import { createTelemetry, type Telemetry } from '../../telemetry/create-telemetry.ts';
import { GatewayMetrics } from '../../telemetry/gateway-metrics.ts';
import { closeAfterReload } from './close-after-reload.ts';
import { NodeLogStore } from './node-log-store.ts';

/** One metrics registry per process: a config reload keeps counting where it was (no counter reset). */
const metrics = new GatewayMetrics();

/** The request log of the running config, kept across reloads while `telemetry.log` is unchanged. */
let openLog: { fingerprint: string; store: LogStore } | undefined;

/** How often records are handed to the SQLite request log's worker thread. */
const NODE_LOG_FLUSH_INTERVAL_MS = 10;

/**
 * Node telemetry: metrics, the request log (by default the SQLite file `telemetry.log.path`, falling back to memory
 * when it cannot be opened; or memory), OTLP traces when configured, the access log. The log store and the metrics
 * outlive a config reload.
 */
export function openNodeTelemetry(config: GatewayConfig, logger: Logger): Telemetry {
  const logStore = config.telemetry.log.backend === 'off' ? undefined : logStoreFor(config.telemetry.log, logger);
  return createTelemetry({
    config: config.telemetry,
    logger,
    fetch: globalThis.fetch,
    now: Date.now,
    metrics,
    ...(logStore ? { logStore } : {}),
    // Records go to the SQLite worker every 10 ms instead of every second: handing over a few records costs the
    // serving thread little, records that leave its heap young are not copied by the young-generation collector
    // (records held for a second were most of what each scavenge copied), and the worker's writes come in short bursts.
    // On two cores a long write burst delays the requests that need the other core (paired runs at 500 req/s: fewer
    // slow answers with 10 ms than with 50 ms, and no more CPU). The worker writes each batch in one transaction.
    ...(logStore instanceof NodeLogStore ? { logFlushIntervalMs: NODE_LOG_FLUSH_INTERVAL_MS } : {}),
  });
}

function logStoreFor(log: GatewayConfig['telemetry']['log'], logger: Logger): LogStore {
  // Only what selects the store: changing `bodies` or the retention keeps the records.
  const backend = log.backend ?? 'sqlite';
  const fingerprint = JSON.stringify({ backend, path: log.path, maxEntries: log.maxEntries });
  if (openLog?.fingerprint === fingerprint) return openLog.store;
  const replaced = openLog?.store;
  if (replaced instanceof NodeLogStore) closeAfterReload(() => replaced.close());
  const store =
    backend === 'sqlite'
      ? new NodeLogStore({ path: log.path, maxEntries: log.maxEntries, logger })
      : new MemoryLogStore({ maxEntries: log.maxEntries });
  openLog = { fingerprint, store };
  return store;
}

/** Closes the request log of the running config (at shutdown, after the telemetry flush). */
export async function closeNodeLogStore(): Promise<void> {
  const store = openLog?.store;
  openLog = undefined;
  if (store instanceof NodeLogStore) await store.close();
}
