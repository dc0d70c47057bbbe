import { type SseTranslator, translateSseStream } from '../translate-sse-stream.ts';

/**
 * Test support: SSE text as bytes, cut every `pieceSize` bytes (0: one piece, so events, lines and multi-byte
 * characters are split where the cuts fall), through `translateSseStream` with `translator`. Returns what was
 * translated and the error the stream ended with, if any.
 */
export async function translateSseText<T>(
  text: string,
  translator: SseTranslator<T>,
  pieceSize = 0,
): Promise<{ values: T[]; error?: unknown }> {
  const bytes = new TextEncoder().encode(text);
  const size = pieceSize || bytes.length;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += size)
        controller.enqueue(bytes.slice(offset, offset + size));
      controller.close();
    },
  });
  const values: T[] = [];
  try {
    for await (const value of translateSseStream(body, translator)) values.push(value);
  } catch (error) {
    return { values, error };
  }
  return { values };
}
