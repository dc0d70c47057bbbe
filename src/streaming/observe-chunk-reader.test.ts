import { describe, expect, it } from 'vitest';
import { observeChunkReader } from './observe-chunk-reader.ts';

/** A stream whose chunks the test releases one at a time. */
function controlled(): { stream: ReadableStream<string>; push: (chunk: string) => void; close: () => void } {
  let controller!: ReadableStreamDefaultController<string>;
  const stream = new ReadableStream<string>({
    start(given) {
      controller = given;
    },
  });
  return { stream, push: (chunk) => controller.enqueue(chunk), close: () => controller.close() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('observeChunkReader', () => {
  it('passes chunks through and reports a clean end once', async () => {
    const source = controlled();
    const outcomes: object[] = [];
    const reader = observeChunkReader(source.stream.getReader(), {
      idleTimeoutMs: 1_000,
      idleError: () => new Error('idle'),
      onEnd: (outcome) => outcomes.push(outcome),
    });
    source.push('a');
    source.push('b');
    source.close();
    expect(await reader.read()).toEqual({ done: false, value: 'a' });
    expect(await reader.read()).toEqual({ done: false, value: 'b' });
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    expect(outcomes).toEqual([{}]);
  });

  it('fails a read that waits longer than the idle timeout, cancels the source and reports the error', async () => {
    let cancelledWith: unknown;
    const stream = new ReadableStream<string>({
      cancel(reason) {
        cancelledWith = reason;
      },
    });
    const outcomes: Array<{ error?: unknown }> = [];
    const idle = new Error('idle');
    const reader = observeChunkReader(stream.getReader(), {
      idleTimeoutMs: 40,
      idleError: () => idle,
      onEnd: (outcome) => outcomes.push(outcome),
    });
    await expect(reader.read()).rejects.toBe(idle);
    expect(outcomes).toEqual([{ error: idle }]);
    await sleep(5);
    expect(cancelledWith).toBe(idle);
  });

  it('counts only silence while a read waits: chunks that keep coming, and a slow consumer, never time out', async () => {
    const source = controlled();
    const outcomes: object[] = [];
    const reader = observeChunkReader(source.stream.getReader(), {
      idleTimeoutMs: 60,
      idleError: () => new Error('idle'),
      onEnd: (outcome) => outcomes.push(outcome),
    });
    for (let index = 0; index < 6; index++) {
      setTimeout(() => source.push(String(index)), 25);
      expect(await reader.read()).toEqual({ done: false, value: String(index) });
    }
    // Nobody reads for longer than the timeout: not the upstream's silence.
    await sleep(100);
    source.close();
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    expect(outcomes).toEqual([{}]);
  });

  it('reports a cancel by the client once, and an upstream error as the error', async () => {
    const cancelled: object[] = [];
    const cancelling = observeChunkReader(controlled().stream.getReader(), {
      idleTimeoutMs: 1_000,
      idleError: () => new Error('idle'),
      onEnd: (outcome) => cancelled.push(outcome),
    });
    await cancelling.cancel('client left');
    await cancelling.cancel('again');
    expect(cancelled).toEqual([{ cancelled: true }]);

    const broken = new Error('upstream broke');
    const failing = observeChunkReader(
      new ReadableStream<string>({
        pull(controller) {
          controller.error(broken);
        },
      }).getReader(),
      { idleTimeoutMs: 1_000, idleError: () => new Error('idle'), onEnd: (outcome) => cancelled.push(outcome) },
    );
    await expect(failing.read()).rejects.toBe(broken);
    expect(cancelled).toEqual([{ cancelled: true }, { error: broken }]);
  });
});
