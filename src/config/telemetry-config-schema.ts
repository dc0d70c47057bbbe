import { z } from 'zod';

/** `telemetry:` in the config file (docs/observability.md). */
export const telemetryConfigSchema = z
  .object({
    log: z
      .object({
        backend: z
          .enum(['memory', 'sqlite', 'off'])
          .optional()
          .describe('Where the request log is kept: memory (default; the newest records), sqlite (a file), off.'),
        path: z.string().optional().describe('SQLite file of the request log (default switchboard-log.sqlite).'),
        retentionDays: z.number().positive().optional().describe('Records older than this are deleted (default 30).'),
        maxEntries: z.number().int().min(1).optional().describe('Memory backend: records kept (default 10000).'),
      })
      .strict()
      .optional(),
    otlp: z
      .object({
        endpoint: z
          .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
          .describe('OTLP/HTTP collector base URL; traces are POSTed to <endpoint>/v1/traces as JSON.'),
        headers: z.record(z.string(), z.string()).optional().describe('Sent with every export (e.g. an API key).'),
        serviceName: z.string().optional().describe('The service.name resource attribute (default switchboard).'),
      })
      .strict()
      .optional()
      .describe('Send a trace per request to an OpenTelemetry collector (off when absent).'),
    accessLog: z.boolean().optional().describe('One JSON "request" line per request on the log (default true).'),
  })
  .strict();

export type TelemetryConfigFile = z.infer<typeof telemetryConfigSchema>;

/** The resolved `telemetry` section. */
export type TelemetryConfig = {
  log: { backend: 'memory' | 'sqlite' | 'off'; path: string; retentionDays: number; maxEntries: number };
  otlp?: { endpoint: string; headers: Record<string, string>; serviceName: string };
  accessLog: boolean;
};

export function resolveTelemetryConfig(file: TelemetryConfigFile | undefined): TelemetryConfig {
  return {
    log: {
      backend: file?.log?.backend ?? 'memory',
      path: file?.log?.path ?? 'switchboard-log.sqlite',
      retentionDays: file?.log?.retentionDays ?? 30,
      maxEntries: file?.log?.maxEntries ?? 10_000,
    },
    ...(file?.otlp
      ? {
          otlp: {
            endpoint: file.otlp.endpoint,
            headers: file.otlp.headers ?? {},
            serviceName: file.otlp.serviceName ?? 'switchboard',
          },
        }
      : {}),
    accessLog: file?.accessLog ?? true,
  };
}
