/**
 * The `encoding_format: "base64"` form of a vector: its values as IEEE-754 float32, little-endian, base64-encoded
 * (wire-formats §3.1). The openai SDKs ask for it by default and decode it into a `Float32Array`, so the bytes must
 * be exact. A `DataView` pins the byte order whatever the platform's is; `btoa`/`atob` keep this on Web standards.
 */
export function encodeEmbeddingBase64(values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < values.length; index++) view.setFloat32(index * 4, values[index] as number, true);
  let binary = '';
  // Chunks keep String.fromCharCode below engines' argument limits for long vectors.
  for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
    binary += String.fromCharCode(...bytes.subarray(start, start + CHUNK_BYTES));
  }
  return btoa(binary);
}

/** The inverse: base64 float32 little-endian → numbers; undefined when the text is not whole float32 values. */
export function decodeEmbeddingBase64(text: string): number[] | undefined {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  if (binary.length % 4 !== 0) return undefined;
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  const view = new DataView(bytes.buffer);
  const values: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += 4) values.push(view.getFloat32(offset, true));
  return values;
}

const CHUNK_BYTES = 0x8000;
