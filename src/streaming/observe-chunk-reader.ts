/** The part of a stream reader the response writers use. */
export type ChunkReader<T> = {
  read(): Promise<ReadableStreamReadResult<T>>;
  cancel(reason?: unknown): Promise<void>;
};

export type ObserveOptions = {
  /** Longest silence between two chunks; then the stream is cancelled and fails with `idleError()`. */
  idleTimeoutMs: number;
  idleError: () => unknown;
  /** Called once when the stream ends: cleanly (no error), with an error, or cancelled by the client. */
  onEnd: (outcome: { error?: unknown; cancelled?: boolean }) => void;
};

/**
 * Wraps a chunk reader with an idle timeout between chunks and a single end notification, so the health model learns
 * how every stream ended, whatever writes it to the client. Only a read that is waiting counts as silence (a client
 * slow to pull is not the upstream's fault). One timer serves many chunks: a read arms it when none is armed, and when
 * it fires early it is re-armed for the rest of the silence, instead of a timer and a race per chunk.
 */
export function observeChunkReader<T>(reader: ReadableStreamDefaultReader<T>, options: ObserveOptions): ChunkReader<T> {
  const { idleTimeoutMs } = options;
  let ended = false;
  let waiting: { startedAt: number; reject: (error: unknown) => void } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const end = (outcome: { error?: unknown; cancelled?: boolean }) => {
    if (ended) return;
    ended = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    options.onEnd(outcome);
  };
  const arm = (delayMs: number) => {
    timer = setTimeout(check, delayMs);
  };
  const check = () => {
    timer = undefined;
    if (ended) return;
    // No read waiting: nothing to time; the next read arms the timer again.
    if (!waiting) return;
    const silentMs = performance.now() - waiting.startedAt;
    if (silentMs < idleTimeoutMs) {
      arm(Math.max(1, idleTimeoutMs - silentMs));
      return;
    }
    const error = options.idleError();
    // Reject before cancelling: cancelling settles the pending read as `done`, which must not count as the end.
    waiting.reject(error);
    waiting = undefined;
    end({ error });
    void reader.cancel(error).catch(() => undefined);
  };

  return {
    read() {
      return new Promise<ReadableStreamReadResult<T>>((resolve, reject) => {
        const current = { startedAt: performance.now(), reject };
        waiting = current;
        if (timer === undefined && !ended) arm(idleTimeoutMs);
        reader.read().then(
          (result) => {
            if (waiting !== current) return; // the idle timeout already failed this read
            waiting = undefined;
            if (result.done) end({});
            resolve(result);
          },
          (error: unknown) => {
            if (waiting !== current) return;
            waiting = undefined;
            end({ error });
            reject(error);
          },
        );
      });
    },
    async cancel(reason?: unknown) {
      end({ cancelled: true });
      await reader.cancel(reason).catch(() => undefined);
    },
  };
}
