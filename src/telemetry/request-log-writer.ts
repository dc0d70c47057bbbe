import type { Logger } from '../app-deps.ts';
import type { LogStore } from '../state/log-store.ts';
import { FlushSchedule } from './flush-schedule.ts';
import type { RequestRecord, TelemetrySink } from './request-record.ts';

export type RequestLogWriterOptions = {
  logger: Logger;
  now?: () => number;
  /** A batch is written at most this long after its first record (default 1000 ms; 0: on the next turn). */
  flushIntervalMs?: number;
  /** A batch this large is written at once (default 200). */
  maxBatch?: number;
  /** Records beyond this many waiting (a store that is down or slow) are dropped, oldest first (default 10 000). */
  maxBuffered?: number;
  /** Records older than this are deleted by a sweep that runs with a flush (absent: kept forever). */
  retentionMs?: number;
  /** Shortest pause between two retention sweeps (default one hour). */
  sweepIntervalMs?: number;
};

/**
 * The request log's sink: buffers records and appends them to the `LogStore` in batches, one write at a time, after
 * the response. `record` only pushes onto an array; a failed write is logged and its batch dropped, never thrown
 * into a request. `pending()` hands the scheduled flush to a runtime's `waitUntil`.
 */
export class RequestLogWriter implements TelemetrySink {
  private readonly store: LogStore;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;
  private readonly retentionMs: number | undefined;
  private readonly sweepIntervalMs: number;
  private buffer: RequestRecord[] = [];
  private readonly schedule = new FlushSchedule(() => this.flush());
  private writing: Promise<void> = Promise.resolve();
  private lastSweepAt = Number.NEGATIVE_INFINITY;
  private droppedSinceWarning = 0;

  constructor(store: LogStore, options: RequestLogWriterOptions) {
    this.store = store;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.maxBatch = options.maxBatch ?? 200;
    this.maxBuffered = options.maxBuffered ?? 10_000;
    this.retentionMs = options.retentionMs;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 3_600_000;
  }

  record(record: RequestRecord): void {
    this.buffer.push(record);
    if (this.buffer.length > this.maxBuffered) {
      this.buffer.shift();
      this.droppedSinceWarning++;
    }
    this.schedule.request(this.buffer.length >= this.maxBatch ? 0 : this.flushIntervalMs);
  }

  pending(): Promise<void> | undefined {
    return this.schedule.pending();
  }

  /** Writes everything buffered now; resolves when it is in the store (or its write failed and was logged). */
  flush(): Promise<void> {
    const batches: RequestRecord[][] = [];
    while (this.buffer.length > 0) batches.push(this.buffer.splice(0, this.maxBatch));
    const dropped = this.droppedSinceWarning;
    this.droppedSinceWarning = 0;
    this.writing = this.writing.then(async () => {
      if (dropped > 0) this.logger.warn('request_log_dropped', { records: dropped, reason: 'buffer full' });
      for (const batch of batches) await this.write(batch);
      // Only with something written: a flush of nothing (a shutdown that served nothing) must not open the store.
      if (batches.length > 0) await this.sweepIfDue();
    });
    this.schedule.takeOver(this.writing);
    return this.writing;
  }

  private async write(batch: RequestRecord[]): Promise<void> {
    try {
      await this.store.append(batch);
    } catch (error) {
      this.logger.warn('request_log_write_failed', { records: batch.length, error: String(error) });
    }
  }

  private async sweepIfDue(): Promise<void> {
    if (this.retentionMs === undefined) return;
    const now = this.now();
    if (now - this.lastSweepAt < this.sweepIntervalMs) return;
    this.lastSweepAt = now;
    try {
      const deleted = await this.store.deleteOlderThan(now - this.retentionMs);
      if (deleted > 0) this.logger.info('request_log_retention', { deleted });
    } catch (error) {
      this.logger.warn('request_log_retention_failed', { error: String(error) });
    }
  }
}
