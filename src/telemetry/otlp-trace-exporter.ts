import type { Logger } from '../app-deps.ts';
import { FlushSchedule } from './flush-schedule.ts';
import { type OtlpSpan, recordToOtlpSpans } from './record-to-otlp-spans.ts';
import type { RequestRecord, TelemetrySink } from './request-record.ts';

export type OtlpTraceExporterOptions = {
  /** The collector's base URL (`/v1/traces` is appended unless it is already there). */
  endpoint: string;
  headers?: Record<string, string>;
  serviceName?: string;
  serviceVersion?: string;
  fetch: typeof fetch;
  logger: Logger;
  /** A batch is sent at most this long after its first span (default 2000 ms). */
  flushIntervalMs?: number;
  /** Requests per export (default 256). */
  maxBatch?: number;
  /** Requests waiting beyond this (a collector that is down) are dropped, oldest first (default 4096). */
  maxQueued?: number;
  /** Per export (default 10 s). */
  timeoutMs?: number;
};

/**
 * Traces over OTLP/HTTP with the JSON encoding, sent with `fetch` (no SDK): records are queued by `record`, turned
 * into spans and POSTed in batches after the response; one export at a time. A failed export is logged (once until
 * one succeeds again) and dropped: traces are best effort and never slow or fail a request.
 */
export class OtlpTraceExporter implements TelemetrySink {
  private readonly url: string;
  private readonly options: OtlpTraceExporterOptions;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private queue: RequestRecord[] = [];
  private readonly schedule = new FlushSchedule(() => this.flush());
  private sending: Promise<void> = Promise.resolve();
  private failing = false;

  constructor(options: OtlpTraceExporterOptions) {
    this.options = options;
    const base = options.endpoint.replace(/\/+$/, '');
    this.url = base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
    this.flushIntervalMs = options.flushIntervalMs ?? 2_000;
    this.maxBatch = options.maxBatch ?? 256;
    this.maxQueued = options.maxQueued ?? 4_096;
  }

  record(record: RequestRecord): void {
    this.queue.push(record);
    if (this.queue.length > this.maxQueued) this.queue.shift();
    this.schedule.request(this.queue.length >= this.maxBatch ? 0 : this.flushIntervalMs);
  }

  pending(): Promise<void> | undefined {
    return this.schedule.pending();
  }

  /** Sends everything queued now (the scheduled send, if any, is this one: its waiters resolve with it). */
  flush(): Promise<void> {
    const records = this.queue;
    this.queue = [];
    this.sending = this.sending.then(async () => {
      for (let index = 0; index < records.length; index += this.maxBatch) {
        await this.send(records.slice(index, index + this.maxBatch));
      }
    });
    this.schedule.takeOver(this.sending);
    return this.sending;
  }

  private async send(records: RequestRecord[]): Promise<void> {
    const spans: OtlpSpan[] = records.flatMap((record) => recordToOtlpSpans(record));
    const body = {
      resourceSpans: [
        {
          resource: {
            attributes: [
              { key: 'service.name', value: { stringValue: this.options.serviceName ?? 'switchboard' } },
              ...(this.options.serviceVersion
                ? [{ key: 'service.version', value: { stringValue: this.options.serviceVersion } }]
                : []),
            ],
          },
          scopeSpans: [{ scope: { name: 'switchboard' }, spans }],
        },
      ],
    };
    try {
      const response = await this.options.fetch(this.url, {
        method: 'POST',
        headers: { ...this.options.headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        // The collector's headers may carry its key: sent to the configured URL only, as upstream calls are.
        redirect: 'manual',
      });
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) throw new Error(`collector answered ${response.status}`);
      if (this.failing) this.options.logger.info('otlp_export_recovered', { url: this.url });
      this.failing = false;
    } catch (error) {
      if (!this.failing) {
        this.options.logger.warn('otlp_export_failed', { url: this.url, spans: spans.length, error: String(error) });
      }
      this.failing = true;
    }
  }
}
