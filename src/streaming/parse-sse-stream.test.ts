import { describe, expect, it } from 'vitest';
import { formatSseEvent } from './encode-sse-event.ts';
import { parseSseStream } from './parse-sse-stream.ts';
import type { SseEvent } from './sse-event.ts';

const encoder = new TextEncoder();

function streamOf(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

async function parse(parts: Array<Uint8Array | string>): Promise<SseEvent[]> {
  const bytes = parts.map((part) => (typeof part === 'string' ? encoder.encode(part) : part));
  const events: SseEvent[] = [];
  const reader = parseSseStream(streamOf(bytes)).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return events;
    events.push(value);
  }
}

const sample =
  ': keep-alive\n\n' +
  'event: message_start\ndata: {"type":"message_start","text":"héllo wörld ✓ 😀"}\n\n' +
  'data: first line\ndata: second line\n\n' +
  'id: 7\nretry: 1000\ndata: [DONE]\n\n';

const expected: SseEvent[] = [
  { event: 'message_start', data: '{"type":"message_start","text":"héllo wörld ✓ 😀"}' },
  { data: 'first line\nsecond line' },
  { data: '[DONE]' },
];

describe('parseSseStream', () => {
  it('reads events, skips comments, joins multi-line data, ignores id and retry', async () => {
    expect(await parse([sample])).toEqual(expected);
  });

  it('accepts CRLF line ends', async () => {
    expect(await parse([sample.replaceAll('\n', '\r\n')])).toEqual(expected);
  });

  it('accepts lone CR line ends', async () => {
    expect(await parse([sample.replaceAll('\n', '\r')])).toEqual(expected);
  });

  it('gives the same events wherever the bytes are split (every offset, CRLF included)', async () => {
    for (const text of [sample, sample.replaceAll('\n', '\r\n'), sample.replaceAll('\n', '\r')]) {
      const bytes = encoder.encode(text);
      for (let cut = 1; cut < bytes.length; cut++) {
        const events = await parse([bytes.slice(0, cut), bytes.slice(cut)]);
        expect(events, `split at byte ${cut}`).toEqual(expected);
      }
    }
  });

  it('gives the same events when every byte arrives alone (multi-byte characters split)', async () => {
    const bytes = encoder.encode(sample);
    expect(await parse([...bytes].map((byte) => Uint8Array.of(byte)))).toEqual(expected);
  });

  it('skips a UTF-8 byte order mark, even split across reads', async () => {
    const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
    expect(await parse([bom, 'data: x\n\n'])).toEqual([{ data: 'x' }]);
    expect(await parse([bom.slice(0, 1), bom.slice(1), 'data: x\n\n'])).toEqual([{ data: 'x' }]);
  });

  it('dispatches a last event that lacks its final blank line', async () => {
    expect(await parse(['data: a\n\ndata: [DONE]\n'])).toEqual([{ data: 'a' }, { data: '[DONE]' }]);
    expect(await parse(['data: a\n\ndata: [DONE]'])).toEqual([{ data: 'a' }, { data: '[DONE]' }]);
    expect(await parse(['data: a\r\n\r\ndata: [DONE]\r'])).toEqual([{ data: 'a' }, { data: '[DONE]' }]);
    expect(await parse(['data: a\n\n'])).toEqual([{ data: 'a' }]);
  });

  it('keeps data verbatim after the single optional space, and empty data lines', async () => {
    expect(await parse(['data:no-space\n\ndata:  two spaces\n\ndata\n\n'])).toEqual([
      { data: 'no-space' },
      { data: ' two spaces' },
      { data: '' },
    ]);
  });

  it('an event without data is not dispatched', async () => {
    expect(await parse(['event: ping\n\n: comment only\n\ndata: x\n\n'])).toEqual([{ data: 'x' }]);
  });
});

describe('formatSseEvent round trip', () => {
  it('multi-line data and named events come back as they went in', async () => {
    const events: SseEvent[] = [
      { data: 'one\ntwo\n\nfour' },
      { event: 'content_block_delta', data: '{"a":1}' },
      { data: 'carriage\rreturn and\r\ncrlf' },
    ];
    const parsed = await parse([events.map(formatSseEvent).join('')]);
    expect(parsed).toEqual([events[0], events[1], { data: 'carriage\nreturn and\ncrlf' }]);
  });
});
