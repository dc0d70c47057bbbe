import { describe, expect, it } from 'vitest';
import { formatSseEvent } from './encode-sse-event.ts';
import type { SseEvent } from './sse-event.ts';
import { translateSseStream } from './translate-sse-stream.ts';

const encoder = new TextEncoder();

/** Hands every event on as it is: the parsing alone. */
const asEvents = {
  transform: (event: SseEvent, controller: { enqueue(event: SseEvent): void }) => controller.enqueue(event),
};

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
  const reader = translateSseStream(streamOf(bytes), asEvents).getReader();
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

describe('translateSseStream: parsing', () => {
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

/** A body that hands out `parts` one per pull, counting pulls, and records how it was cancelled. */
function countedBody(parts: string[], fault?: unknown) {
  const state = { pulls: 0, cancelled: false as boolean, reason: undefined as unknown };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        state.pulls++;
        const part = parts[state.pulls - 1];
        if (part !== undefined) controller.enqueue(encoder.encode(part));
        else if (fault !== undefined) controller.error(fault);
        else controller.close();
      },
      cancel(reason) {
        state.cancelled = true;
        state.reason = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}

async function drain<T>(stream: ReadableStream<T>): Promise<{ values: T[]; error?: unknown }> {
  const values: T[] = [];
  try {
    for await (const value of stream) values.push(value);
  } catch (error) {
    return { values, error };
  }
  return { values };
}

describe('translateSseStream: the translator', () => {
  it('terminate() closes the result, drops later events and cancels the body', async () => {
    const { body, state } = countedBody(['data: a\n\ndata: stop\n\ndata: late\n\n', 'data: never read\n\n']);
    const stream = translateSseStream<string>(body, {
      transform(event, controller) {
        if (event.data === 'stop') controller.terminate();
        else controller.enqueue(event.data);
      },
    });
    expect(await drain(stream)).toEqual({ values: ['a'] });
    expect(state.cancelled).toBe(true);
    expect(state.pulls).toBe(1);
  });

  it('error() fails the result with its reason and cancels the body', async () => {
    const { body, state } = countedBody(['data: a\n\ndata: bad\n\n', 'data: b\n\n']);
    const fault = new Error('bad event');
    const stream = translateSseStream<string>(body, {
      transform(event, controller) {
        if (event.data === 'bad') controller.error(fault);
        else controller.enqueue(event.data);
      },
    });
    expect(await drain(stream)).toEqual({ values: ['a'], error: fault });
    expect(state.cancelled).toBe(true);
  });

  it('a transform that throws fails the result with what it threw', async () => {
    const { body, state } = countedBody(['data: a\n\n', 'data: b\n\n']);
    const stream = translateSseStream<string>(body, {
      transform() {
        throw new TypeError('translator bug');
      },
    });
    const { values, error } = await drain(stream);
    expect(values).toEqual([]);
    expect(error).toBeInstanceOf(TypeError);
    expect(state.cancelled).toBe(true);
  });

  it('flush() runs once at the end of the body and may still enqueue or fail', async () => {
    const enqueueing = translateSseStream<string>(countedBody(['data: a\n\n']).body, {
      transform: (event, controller) => controller.enqueue(event.data),
      flush: (controller) => controller.enqueue('flushed'),
    });
    expect(await drain(enqueueing)).toEqual({ values: ['a', 'flushed'] });
    const truncated = new Error('truncated');
    const failing = translateSseStream<string>(countedBody(['data: a\n\n']).body, {
      transform: (event, controller) => controller.enqueue(event.data),
      flush: (controller) => controller.error(truncated),
    });
    expect(await drain(failing)).toEqual({ values: ['a'], error: truncated });
  });

  it('a failed body read becomes readError(error), or the error itself without one', async () => {
    const cut = new TypeError('terminated');
    const mapped = translateSseStream<string>(
      countedBody(['data: a\n\n'], cut).body,
      { transform: (event, controller) => controller.enqueue(event.data) },
      { readError: (error) => new Error(`mapped: ${(error as Error).message}`) },
    );
    const result = await drain(mapped);
    expect(result.values).toEqual(['a']);
    expect((result.error as Error).message).toBe('mapped: terminated');
    const raw = translateSseStream<string>(countedBody([], cut).body, { transform: () => undefined });
    expect((await drain(raw)).error).toBe(cut);
  });

  it('reads the body only as the consumer pulls (backpressure), and cancelling cancels the body', async () => {
    const { body, state } = countedBody(['data: 1\n\n', 'data: 2\n\n', 'data: 3\n\n', 'data: 4\n\n']);
    const reader = translateSseStream<string>(body, {
      transform: (event, controller) => controller.enqueue(event.data),
    }).getReader();
    expect(await reader.read()).toEqual({ done: false, value: '1' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(state.pulls).toBe(1);
    expect(await reader.read()).toEqual({ done: false, value: '2' });
    expect(state.pulls).toBe(2);
    await reader.cancel('client gone');
    expect(state).toMatchObject({ cancelled: true, reason: 'client gone' });
  });

  it('keeps reading past reads that complete no event', async () => {
    const { body } = countedBody(['data: sp', 'lit\n', '\n', ': comment\n\n', 'data: b\n\n']);
    const stream = translateSseStream<string>(body, {
      transform: (event, controller) => controller.enqueue(event.data),
    });
    expect(await drain(stream)).toEqual({ values: ['split', 'b'] });
  });
});

describe('translateSseStream: cancelling during a read', () => {
  it('settles the pending read as done and cancels the body once', async () => {
    let cancels = 0;
    let pulled!: () => void;
    const pulledOnce = new Promise<void>((resolve) => {
      pulled = resolve;
    });
    const body = new ReadableStream<Uint8Array>(
      {
        pull() {
          pulled();
          return new Promise(() => undefined); // an upstream that sends nothing more
        },
        cancel() {
          cancels++;
        },
      },
      { highWaterMark: 0 },
    );
    const reader = translateSseStream<string>(body, {
      transform: (event, controller) => controller.enqueue(event.data),
    }).getReader();
    const pending = reader.read();
    await pulledOnce;
    await reader.cancel('client gone');
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(cancels).toBe(1);
  });
});

describe('translateSseStream: an event without an end', () => {
  it('fails the result once an open event passes maxEventLength, and cancels the body', async () => {
    const { body, state } = countedBody([
      'data: a\n\n',
      `data: ${'x'.repeat(40)}`,
      'x'.repeat(40),
      'x'.repeat(40),
      '\n\n',
    ]);
    const stream = translateSseStream<string>(
      body,
      { transform: (event, controller) => controller.enqueue(event.data) },
      { maxEventLength: 64, eventTooLong: (limit) => new Error(`longer than ${limit}`) },
    );
    const { values, error } = await drain(stream);
    expect(values).toEqual(['a']);
    expect((error as Error).message).toBe('longer than 64');
    expect(state.cancelled).toBe(true);
    expect(state.pulls).toBe(3);
  });

  it('counts the open event, not the stream: many events within the bound pass', async () => {
    const events = Array.from({ length: 50 }, (_, index) => `data: ${String(index).padStart(40, '0')}\n\n`);
    const stream = translateSseStream<string>(
      countedBody(events).body,
      {
        transform: (event, controller) => controller.enqueue(event.data),
      },
      { maxEventLength: 64 },
    );
    const { values, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(values).toHaveLength(50);
  });
});
