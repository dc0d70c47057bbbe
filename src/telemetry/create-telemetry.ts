import type { Logger } from '../app-deps.ts';
import type { TelemetryConfig } from '../config/telemetry-config-schema.ts';
import type { LogStore } from '../state/log-store.ts';
import { AccessLogSink } from './access-log-sink.ts';
import { FanOutSink } from './fan-out-sink.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { OtlpTraceExporter } from './otlp-trace-exporter.ts';
import { RequestLogWriter } from './request-log-writer.ts';
import type { TelemetrySink } from './request-record.ts';

export type Telemetry = {
  /** `AppDeps.telemetry`: every record goes to the log writer, the metrics, the trace exporter and the access log. */
  sink: TelemetrySink;
  metrics: GatewayMetrics;
  logStore?: LogStore;
  logWriter?: RequestLogWriter;
  traces?: OtlpTraceExporter;
};

export type TelemetryOptions = {
  config: TelemetryConfig;
  logger: Logger;
  fetch: typeof fetch;
  now: () => number;
  /** The request log's backend, opened by the runtime (absent: no request log). */
  logStore?: LogStore;
  /** Reuse metrics across config reloads so counters do not restart (absent: new ones). */
  metrics?: GatewayMetrics;
  /** Log writer and trace exporter batching (tests shorten it). */
  flushIntervalMs?: number;
  /** The request log's batching alone, for a store that takes small batches cheaply (`flushIntervalMs` wins). */
  logFlushIntervalMs?: number;
};

/** Builds the telemetry a runtime hands to `AppDeps` from the `telemetry` config section. */
export function createTelemetry(options: TelemetryOptions): Telemetry {
  const { config, logger } = options;
  const metrics = options.metrics ?? new GatewayMetrics();
  const sinks: TelemetrySink[] = [metrics];
  const telemetry: Telemetry = { sink: metrics, metrics };
  if (options.logStore) {
    const logFlushIntervalMs = options.flushIntervalMs ?? options.logFlushIntervalMs;
    const logWriter = new RequestLogWriter(options.logStore, {
      logger,
      now: options.now,
      retentionMs: config.log.retentionDays * 86_400_000,
      ...(logFlushIntervalMs === undefined ? {} : { flushIntervalMs: logFlushIntervalMs }),
    });
    sinks.push(logWriter);
    telemetry.logStore = options.logStore;
    telemetry.logWriter = logWriter;
  }
  if (config.otlp) {
    const traces = new OtlpTraceExporter({
      endpoint: config.otlp.endpoint,
      headers: config.otlp.headers,
      serviceName: config.otlp.serviceName,
      fetch: options.fetch,
      logger,
      ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
    });
    sinks.push(traces);
    telemetry.traces = traces;
  }
  if (config.accessLog) sinks.push(new AccessLogSink(logger));
  // Bodies are for the request log alone: without one there is nothing to keep them in.
  const bodies = telemetry.logWriter && config.log.bodies ? { maxBytes: config.log.maxBodyBytes } : undefined;
  telemetry.sink = new FanOutSink(sinks, logger, bodies);
  return telemetry;
}
