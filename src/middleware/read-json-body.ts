import { GatewayError } from '../canonical/index.ts';
import { tooLarge } from './body-limit.ts';

/** Reads and parses a JSON request body once, stopping at `maxBytes` (413) and naming malformed JSON (400). */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) <= maxBytes) {
    // The HTTP parser holds the body to its declared length: read it whole, without a stream (the Node adapter
    // serves this straight from the socket).
    return parseJson(new TextDecoder().decode(await request.arrayBuffer()));
  }
  if (!request.body) throw malformed('the body is empty');
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    parts.push(value);
  }
  return parseJson(new TextDecoder().decode(parts.length === 1 ? parts[0] : concat(parts, size)));
}

function parseJson(text: string): unknown {
  if (text.trim() === '') throw malformed('the body is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw malformed(error instanceof Error ? error.message : 'it does not parse');
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    whole.set(part, offset);
    offset += part.byteLength;
  }
  return whole;
}

function malformed(detail: string): GatewayError {
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_json',
    message: `The request body is not valid JSON: ${detail}.`,
  });
}
