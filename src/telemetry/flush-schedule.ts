type Scheduled = { timer: ReturnType<typeof setTimeout>; done: Promise<void>; resolve: () => void };

/**
 * The timer of a batching sink (the request log writer, the trace exporter): one flush at most `delayMs` after it is
 * asked for, moved forward (never back) when a sooner one is asked, and `pending()`, a promise that resolves once
 * that flush has finished (for Workers' `waitUntil` and for shutdown). A flush that runs early `takeOver`s the
 * scheduled one: the timer stops and its waiters resolve with the early flush.
 */
export class FlushSchedule {
  private readonly flush: () => Promise<void>;
  private scheduled: Scheduled | undefined;

  constructor(flush: () => Promise<void>) {
    this.flush = flush;
  }

  request(delayMs: number): void {
    if (this.scheduled && delayMs > 0) return;
    let scheduled = this.scheduled;
    if (scheduled) clearTimeout(scheduled.timer);
    else {
      let resolve: () => void = () => undefined;
      const done = new Promise<void>((settle) => {
        resolve = settle;
      });
      scheduled = { timer: undefined as unknown as ReturnType<typeof setTimeout>, done, resolve };
      this.scheduled = scheduled;
    }
    scheduled.timer = setTimeout(() => void this.flush(), delayMs);
    // On Node the timer must not hold the process open (Workers' timers have no unref).
    (scheduled.timer as { unref?: () => void }).unref?.();
  }

  pending(): Promise<void> | undefined {
    return this.scheduled?.done;
  }

  /** Called by every flush with its work: a scheduled flush is this one now, and resolves when `work` does. */
  takeOver(work: Promise<void>): void {
    const scheduled = this.scheduled;
    if (!scheduled) return;
    clearTimeout(scheduled.timer);
    this.scheduled = undefined;
    void work.then(scheduled.resolve);
  }
}
