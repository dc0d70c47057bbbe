import type { ChunkReader } from './observe-chunk-reader.ts';

/** Sees every chunk a writer reads and how the stream ended, without changing either. */
export function tapChunkReader<T>(
  reader: ChunkReader<T>,
  taps: { onChunk: (chunk: T) => void; onEnd: (outcome: { error?: unknown; cancelled?: boolean }) => void },
): ChunkReader<T> {
  let ended = false;
  const end = (outcome: { error?: unknown; cancelled?: boolean }) => {
    if (ended) return;
    ended = true;
    taps.onEnd(outcome);
  };
  return {
    read: () =>
      reader.read().then(
        (result) => {
          if (result.done) end({});
          else taps.onChunk(result.value);
          return result;
        },
        (error: unknown) => {
          end({ error });
          throw error;
        },
      ),
    cancel: (reason?: unknown) => {
      end({ cancelled: true });
      return reader.cancel(reason);
    },
  };
}
