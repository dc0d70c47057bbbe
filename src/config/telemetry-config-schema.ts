import { z } from 'zod';

/** `telemetry:` in the config file (docs/observability.md). */
export const telemetryConfigSchema = z
  .object({
    log: z
      .object({
        backend: z
          .enum(['memory', 'sqlite', 'off'])
          .optional()
          .describe(
            'Where the request log is kept: sqlite (a file; the default on Node), memory (the newest records; ' +
              'the default and only store on Workers), off.',
          ),
        path: z.string().optional().describe('SQLite file of the request log (default switchboard-log.sqlite).'),
        retentionDays: z.number().positive().optional().describe('Records older than this are deleted (default 30).'),
        maxEntries: z.number().int().min(1).optional().describe('Memory backend: records kept (default 10000).'),
        bodies: z
          .boolean()
          .optional()
          .describe(
            "Keep each request's messages and its completion in the log (default false: metadata only). " +
              'Never in metrics, traces or the access log.',
          ),
        maxBodyBytes: z
          .number()
          .int()
          .min(256)
          .optional()
          .describe(
            'With bodies: bytes kept of the request and of the completion, each; longer ones are cut (default 65536).',
          ),
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
  log: {
    /** Absent: the runtime's default (SQLite on Node, memory on Workers). */
    backend?: 'memory' | 'sqlite' | 'off';
    path: string;
    retentionDays: number;
    maxEntries: number;
    /** Keep request and completion bodies in the log. */
    bodies: boolean;
    /** With `bodies`: UTF-8 bytes kept of each body. */
    maxBodyBytes: number;
  };
  otlp?: { endpoint: string; headers: Record<string, string>; serviceName: string };
  accessLog: boolean;
};

export function resolveTelemetryConfig(file: TelemetryConfigFile | undefined): TelemetryConfig {
  return {
    log: {
      ...(file?.log?.backend ? { backend: file.log.backend } : {}),
      path: file?.log?.path ?? 'switchboard-log.sqlite',
      retentionDays: file?.log?.retentionDays ?? 30,
      maxEntries: file?.log?.maxEntries ?? 10_000,
      bodies: file?.log?.bodies ?? false,
      maxBodyBytes: file?.log?.maxBodyBytes ?? 65_536,
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
