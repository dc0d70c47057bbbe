const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Mistral accepts only tool call ids of exactly 9 characters from a-z, A-Z, 0-9 (it answers 400 "Tool call id was …
 * but must be a-z, A-Z, 0-9, with a length of 9"), so a conversation whose tool calls came from another provider
 * (`call_…`, `toolu_…`) needs new ids. The id is derived from the old one (two 32-bit FNV-1a hashes, base 62), so the
 * assistant's `tool_calls[].id` and the matching `tool` message's `tool_call_id` get the same new id without state.
 */
export function toMistralToolCallId(id: string): string {
  if (/^[A-Za-z0-9]{9}$/.test(id)) return id;
  let first = 0x811c9dc5;
  let second = 0x01000193 ^ id.length;
  for (let position = 0; position < id.length; position++) {
    const code = id.charCodeAt(position);
    first = Math.imul(first ^ code, 0x01000193) >>> 0;
    second = Math.imul(second ^ code, 0x5bd1e995) >>> 0;
  }
  let value = BigInt(first) * 0x100000000n + BigInt(second);
  let result = '';
  for (let count = 0; count < 9; count++) {
    result += ALPHABET[Number(value % 62n)];
    value /= 62n;
  }
  return result;
}
