const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes (never inside a character), followed by a marker saying how long it
 * was; unchanged when it fits.
 */
export function capBody(text: string, maxBytes: number): string {
  // Every UTF-16 unit encodes to at most 3 bytes: short texts need no encoding at all.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so the cut falls between characters.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return `${decoder.decode(bytes.subarray(0, end))}…[truncated: ${bytes.length} bytes, ${maxBytes} kept]`;
}
