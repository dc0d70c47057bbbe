import { describe, expect, it } from 'vitest';
import { type ChatCompletionChunk, GatewayError } from '../canonical/index.ts';
import { chatChunksToSse } from './chat-chunks-to-sse.ts';

const chunk = (content: string): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

const usageChunk: ChatCompletionChunk = {
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
};

function source(chunks: ChatCompletionChunk[], failWith?: unknown) {
  let cancelled: unknown = 'not cancelled';
  const stream = new ReadableStream<ChatCompletionChunk>({
    start(controller) {
      for (const item of chunks) controller.enqueue(item);
      if (failWith === undefined) controller.close();
      else controller.error(failWith);
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  return { reader: stream.getReader(), cancelled: () => cancelled };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('chatChunksToSse', () => {
  it('writes the first chunk, the rest, then [DONE]; drops the usage chunk unless asked', async () => {
    const { reader } = source([chunk('b'), usageChunk]);
    const ends: unknown[] = [];
    const text = await readAll(
      chatChunksToSse({ first: chunk('a'), rest: reader, includeUsage: false, onEnd: (outcome) => ends.push(outcome) }),
    );
    expect(text).toBe(`data: ${JSON.stringify(chunk('a'))}\n\ndata: ${JSON.stringify(chunk('b'))}\n\ndata: [DONE]\n\n`);
    expect(ends).toEqual([{ usage: usageChunk.usage }]);
  });

  it('forwards the usage chunk when the client asked', async () => {
    const { reader } = source([usageChunk]);
    const text = await readAll(chatChunksToSse({ first: chunk('a'), rest: reader, includeUsage: true }));
    expect(text).toContain(`data: ${JSON.stringify(usageChunk)}\n\n`);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('a failure after the first byte ends with an OpenAI error payload, not a silent close', async () => {
    const failure = new GatewayError({ status: 502, code: 'stream_truncated', message: 'cut', provider: 'p' });
    const { reader } = source([], failure);
    const ends: Array<{ error?: unknown }> = [];
    const text = await readAll(
      chatChunksToSse({ first: chunk('a'), rest: reader, includeUsage: false, onEnd: (outcome) => ends.push(outcome) }),
    );
    const lines = text.trim().split('\n\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse((lines[1] as string).slice('data: '.length))).toEqual({
      error: { message: 'cut', type: 'server_error', param: null, code: 'stream_truncated' },
    });
    expect(text).not.toContain('[DONE]');
    expect(ends[0]?.error).toBe(failure);
  });

  it('a non-gateway failure is reported without its detail', async () => {
    const { reader } = source([], new TypeError('socket hang up at internal/thing.js:12'));
    const text = await readAll(chatChunksToSse({ first: chunk('a'), rest: reader, includeUsage: false }));
    expect(text).toContain('"code":"stream_failed"');
    expect(text).not.toContain('internal/thing.js');
  });

  it('cancelling the client side cancels the upstream and reports it once', async () => {
    const upstream = new ReadableStream<ChatCompletionChunk>({
      pull: () => new Promise(() => undefined),
      cancel(reason) {
        cancelledWith = reason;
      },
    });
    let cancelledWith: unknown;
    const ends: unknown[] = [];
    const stream = chatChunksToSse({
      first: chunk('a'),
      rest: upstream.getReader(),
      includeUsage: false,
      onEnd: (outcome) => ends.push(outcome),
    });
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel('client gone');
    expect(cancelledWith).toBe('client gone');
    expect(ends).toEqual([{ usage: undefined, cancelled: true }]);
  });
});
