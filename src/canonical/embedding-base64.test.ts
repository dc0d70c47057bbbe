import { describe, expect, it } from 'vitest';
import { decodeEmbeddingBase64, encodeEmbeddingBase64 } from './embedding-base64.ts';

describe('encodeEmbeddingBase64', () => {
  it('writes float32 little-endian bytes, base64-encoded', () => {
    // 1 = 0x3F800000, -2 = 0xC0000000, 0.5 = 0x3F000000, each written low byte first.
    expect(encodeEmbeddingBase64([1, -2, 0.5])).toBe('AACAPwAAAMAAAAA/');
    const bytes = Uint8Array.from(atob(encodeEmbeddingBase64([1, -2, 0.5])), (char) => char.charCodeAt(0));
    expect([...bytes]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00, 0x3f]);
  });

  it('rounds to float32, as the API does', () => {
    expect(encodeEmbeddingBase64([0.1, -0.25])).toBe('zczMPQAAgL4=');
    expect(decodeEmbeddingBase64('zczMPQAAgL4=')).toEqual([Math.fround(0.1), -0.25]);
  });

  it('decodes to what an SDK reading a Float32Array gets', () => {
    const values = [0.0123, -0.0456, 3.5, 0, -0];
    const text = encodeEmbeddingBase64(values);
    const bytes = Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
    expect([...new Float32Array(bytes.buffer)]).toEqual(values.map((value) => Math.fround(value)));
  });

  it('encodes long vectors (beyond one String.fromCharCode chunk) and an empty one', () => {
    const values = Array.from({ length: 12_289 }, (_, index) => Math.sin(index));
    const decoded = decodeEmbeddingBase64(encodeEmbeddingBase64(values));
    expect(decoded).toHaveLength(values.length);
    expect(decoded).toEqual(values.map((value) => Math.fround(value)));
    expect(encodeEmbeddingBase64([])).toBe('');
  });
});

describe('decodeEmbeddingBase64', () => {
  it('refuses text that is not base64 or not whole float32 values', () => {
    expect(decodeEmbeddingBase64('not base64!')).toBeUndefined();
    expect(decodeEmbeddingBase64('AAAA')).toBeUndefined();
  });
});
