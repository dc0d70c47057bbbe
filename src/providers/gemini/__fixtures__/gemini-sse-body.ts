/**
 * Test support: stream fixtures hold the event payloads; this frames them the way Gemini does on the wire
 * (`data: <compact JSON>` + CRLF CRLF, no terminator) and cuts the bytes into reads of the given sizes, so tests
 * cover events and multi-byte characters split across reads.
 */
export function frameGeminiSse(events: unknown[]): string {
  return events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join('');
}

export function byteStream(text: string, readSizes: number[] = [Number.POSITIVE_INFINITY]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const reads: Uint8Array[] = [];
  let offset = 0;
  for (let turn = 0; offset < bytes.length; turn++) {
    const size = Math.max(1, readSizes[turn % readSizes.length]);
    reads.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  return new ReadableStream({
    start(controller) {
      for (const read of reads) controller.enqueue(read);
      controller.close();
    },
  });
}

export async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream as unknown as AsyncIterable<T>) items.push(item);
  return items;
}

/** Reads a stream to its end and returns what was read and the error it ended with, if any. */
export async function collectUntilError<T>(stream: ReadableStream<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { items, error: undefined };
      items.push(value);
    }
  } catch (error) {
    return { items, error };
  }
}

/** Ids like a real generator, but predictable: `call_1`, `call_2`, … per prefix. */
export function sequentialIds(): (prefix: string) => string {
  const counters = new Map<string, number>();
  return (prefix) => {
    const next = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, next);
    return `${prefix}${next}`;
  };
}
