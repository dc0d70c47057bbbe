import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.ts';
import streamText from './__fixtures__/stream-text.sse?raw';
import { readAnthropicStreamHead, relayAnthropicStream } from './relay-anthropic-stream.ts';

const encoder = new TextEncoder();

/** A body that delivers `text` in pieces of `size` bytes, as a network does. */
function body(text: string, size = 7): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

const errorBody = (error: unknown) => ({
  type: 'error',
  error: { type: 'api_error', message: error instanceof Error ? error.message : String(error) },
});

describe('native Anthropic stream relay', () => {
  it('passes the upstream bytes through unchanged', async () => {
    const head = await readAnthropicStreamHead(body(streamText), { id: 'ant' });
    const relayed = await new Response(relayAnthropicStream({ ...head, errorBody })).text();
    expect(relayed).toBe(streamText);
  });

  it('throws an error event that comes first, so the request can fail over', async () => {
    const text = 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    const error = await readAnthropicStreamHead(body(text), { id: 'ant' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).isRetryable).toBe(true);
  });

  it('throws on a body without any event', async () => {
    await expect(readAnthropicStreamHead(body(''), { id: 'ant' })).rejects.toMatchObject({ code: 'empty_stream' });
  });

  it('adds an error event when the upstream ends before message_stop', async () => {
    const cut = streamText.slice(0, streamText.indexOf('event: message_delta'));
    const head = await readAnthropicStreamHead(body(cut), { id: 'ant' });
    const relayed = await new Response(relayAnthropicStream({ ...head, errorBody })).text();
    expect(relayed.startsWith(cut)).toBe(true);
    expect(relayed.slice(cut.length)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
  });
});
