import { describe, expect, it } from 'vitest';
import { MAX_UPSTREAM_BODY_BYTES, readUpstreamJson } from './invalid-upstream-response.ts';

const up = { id: 'up', apiKey: 'sk-upstream-secret-0001' };

describe('readUpstreamJson', () => {
  it('parses a JSON answer', async () => {
    expect(await readUpstreamJson(new Response('{"a":1}'), up)).toEqual({ a: 1 });
  });

  it('a body that is not JSON is a retryable 502 quoting its start', async () => {
    await expect(readUpstreamJson(new Response('<html>oops'), up)).rejects.toMatchObject({
      status: 502,
      code: 'invalid_upstream_response',
      isRetryable: true,
      message: expect.stringContaining('<html>oops'),
    });
  });

  it('a body that is not JSON and echoes the key is quoted without it', async () => {
    const failure = (await readUpstreamJson(new Response(`bad key ${up.apiKey} given`), up).catch(
      (error) => error,
    )) as Error;
    expect(failure.message).toContain('bad key [redacted] given');
    expect(failure.message).not.toContain(up.apiKey);
  });

  it('a declared length past the bound is refused unread: a retryable 502', async () => {
    let pulled = false;
    const body = new ReadableStream<Uint8Array>({
      pull() {
        pulled = true;
      },
    });
    const response = new Response(body, { headers: { 'content-length': String(MAX_UPSTREAM_BODY_BYTES + 1) } });
    await expect(readUpstreamJson(response, up)).rejects.toMatchObject({
      status: 502,
      code: 'upstream_response_too_large',
      provider: 'up',
      isRetryable: true,
    });
    expect(pulled).toBe(false);
  });

  it("the upstream client's RangeError for a body that grew past the bound is the same 502", async () => {
    const refused = { headers: new Headers(), text: () => Promise.reject(new RangeError('larger than the bound')) };
    await expect(readUpstreamJson(refused as unknown as Response, up)).rejects.toMatchObject({
      status: 502,
      code: 'upstream_response_too_large',
    });
  });

  it('a body cut while it is read is a retryable 502 too', async () => {
    const cut = { headers: new Headers(), text: () => Promise.reject(new TypeError('terminated')) };
    await expect(readUpstreamJson(cut as unknown as Response, up)).rejects.toMatchObject({
      status: 502,
      code: 'upstream_connection_lost',
      isRetryable: true,
    });
  });
});
