/**
 * The signal of a `NodeAbortController`: an ordinary `EventTarget` with the part of `AbortSignal` the gateway and
 * Node's upstream client (`createNodeFetch`) use: `aborted`, `reason`, `throwIfAborted()`, `onabort` and one `abort`
 * event.
 */
export class NodeAbortSignal extends EventTarget {
  aborted = false;
  reason: unknown = undefined;
  onabort: ((this: NodeAbortSignal, event: Event) => unknown) | null = null;

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }
}

/**
 * An AbortController for the signals that go to Node's own upstream client. Node 20's `AbortSignal` outlives every
 * young-generation garbage collection it meets, even with nothing left pointing at it (measured with
 * `--trace-gc-nvp`: a loop that only makes signals promotes ~0.6 MB per scavenge; docs/performance.md), so one per
 * request fills the old generation and brings on major collections. This signal is freed young like any other
 * object. Only for code whose signals reach `createNodeFetch` (a Web `fetch` would refuse it).
 */
export class NodeAbortController {
  readonly signal = new NodeAbortSignal();

  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    const signal = this.signal;
    if (signal.aborted) return;
    signal.aborted = true;
    signal.reason = reason;
    const event = new Event('abort');
    signal.onabort?.call(signal, event);
    signal.dispatchEvent(event);
  }
}

/** `AppDeps.createAbortController` on Node. */
export function createNodeAbortController(): AbortController {
  return new NodeAbortController() as unknown as AbortController;
}
