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
 * how every stream ended, whatever writes it to the client.
 */
export function observeChunkReader<T>(reader: ReadableStreamDefaultReader<T>, options: ObserveOptions): ChunkReader<T> {
  let ended = false;
  const end = (outcome: { error?: unknown; cancelled?: boolean }) => {
    if (ended) return;
    ended = true;
    options.onEnd(outcome);
  };
  return {
    read() {
      let timer!: ReturnType<typeof setTimeout>;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = options.idleError();
          // Reject before cancelling: cancelling settles the pending read as `done`, which must not win the race.
          reject(error);
          void reader.cancel(error).catch(() => undefined);
        }, options.idleTimeoutMs);
      });
      return Promise.race([reader.read(), idle]).then(
        (result) => {
          clearTimeout(timer);
          if (result.done) end({});
          return result;
        },
        (error: unknown) => {
          clearTimeout(timer);
          end({ error });
          throw error;
        },
      );
    },
    async cancel(reason?: unknown) {
      end({ cancelled: true });
      await reader.cancel(reason).catch(() => undefined);
    },
  };
}
