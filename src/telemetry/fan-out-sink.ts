import type { Logger } from '../app-deps.ts';
import type { BodyCapture, RequestRecord, TelemetrySink } from './request-record.ts';

type Event = { kind: 'record' | 'streamStarted'; record: RequestRecord };

/**
 * Hands every record to several sinks (request log, metrics, traces, access log) on a later turn of the event loop,
 * so even their synchronous work (counting, formatting a log line) happens after the response is on its way. Events
 * keep their order; a sink that throws is logged and the others still get the record.
 */
export class FanOutSink implements TelemetrySink {
  private readonly sinks: readonly TelemetrySink[];
  private readonly logger: Logger;
  readonly bodies?: BodyCapture;
  private events: Event[] = [];
  private drain: Promise<void> | undefined;

  /** `bodies`: the request log keeps request and completion bodies (recorders read it from the sink). */
  constructor(sinks: readonly TelemetrySink[], logger: Logger, bodies?: BodyCapture) {
    this.sinks = sinks;
    this.logger = logger;
    if (bodies) this.bodies = bodies;
  }

  record(record: RequestRecord): void {
    this.enqueue({ kind: 'record', record });
  }

  streamStarted(record: RequestRecord): void {
    this.enqueue({ kind: 'streamStarted', record });
  }

  /** Resolves once queued events reached the sinks and what the sinks then buffered has been written. */
  pending(): Promise<void> | undefined {
    const buffered = () => {
      const work = this.sinks.map((sink) => sink.pending?.()).filter((promise) => promise !== undefined);
      return work.length === 0 ? undefined : Promise.all(work).then(() => undefined);
    };
    return this.drain ? this.drain.then(buffered) : buffered();
  }

  /** Delivers queued events, then has every sink write what it buffered: for shutdown. */
  async flush(): Promise<void> {
    await this.drain;
    await Promise.all(this.sinks.map((sink) => sink.flush?.()));
  }

  private enqueue(event: Event): void {
    this.events.push(event);
    if (this.drain) return;
    this.drain = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.deliver();
        resolve();
      }, 0);
      (timer as { unref?: () => void }).unref?.();
    });
  }

  private deliver(): void {
    const events = this.events;
    this.events = [];
    this.drain = undefined;
    for (const event of events) {
      for (const sink of this.sinks) {
        try {
          if (event.kind === 'record') sink.record(event.record);
          else sink.streamStarted?.(event.record);
        } catch (error) {
          this.logger.warn('telemetry_sink_failed', { error: String(error) });
        }
      }
    }
  }
}
