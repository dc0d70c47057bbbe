import { GatewayError } from '../../canonical/index.ts';
import { anthropicStreamError } from './anthropic-error.ts';

const encoder = new TextEncoder();

/** Longest first event read before the stream is committed anyway (a `message_start` is well under 4 KB). */
const MAX_HEAD_BYTES = 256 * 1024;

export type AnthropicStreamHead = {
  /** The bytes read so far, the first event whole, to send before the rest. */
  head: Uint8Array[];
  rest: ReadableStreamDefaultReader<Uint8Array>;
};

/**
 * Reads an Anthropic SSE body until its first event is whole, before the gateway commits its own 200 (wire-formats
 * §9 rule 14). An `event: error` there (an overloaded upstream) is thrown as a `GatewayError`, so the attempt loop can
 * retry or fail over and the client gets a real status; a body that ends before any event is a retryable 502.
 */
export async function readAnthropicStreamHead(
  body: ReadableStream<Uint8Array>,
  provider: { id: string },
): Promise<AnthropicStreamHead> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const head: Uint8Array[] = [];
  let text = '';
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        if (text.trim() === '') throw emptyStream(provider);
        return { head, rest: reader };
      }
      head.push(value);
      size += value.byteLength;
      text += decoder.decode(value, { stream: true });
      const boundary = /\r\n\r\n|\n\n|\r\r/.exec(text);
      if (boundary) {
        const first = parseEvent(text.slice(0, boundary.index));
        if (first.event === 'error' || first.type === 'error') throw anthropicStreamError(first.data, provider);
        return { head, rest: reader };
      }
      if (size > MAX_HEAD_BYTES) return { head, rest: reader };
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
}

export type RelayOptions = AnthropicStreamHead & {
  /** The Anthropic error body for a failure after the start. */
  errorBody: (error: unknown) => unknown;
  onEnd?: (outcome: { error?: unknown; cancelled?: boolean }) => void;
};

/**
 * The upstream's SSE bytes, unchanged, to the client (native pass-through). The only thing added is an
 * `event: error` when the upstream connection breaks or ends before `message_stop`, so the client never sees a silent
 * truncation (wire-formats §9 rule 9).
 */
export function relayAnthropicStream(options: RelayOptions): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let tail = '';
  let finished = false;
  let ended = false;
  const watch = (bytes: Uint8Array) => {
    const window = tail + decoder.decode(bytes, { stream: true });
    if (/message_stop|event:\s*error/.test(window)) finished = true;
    tail = window.slice(-32);
  };
  const end = (outcome: { error?: unknown; cancelled?: boolean }) => {
    if (ended) return;
    ended = true;
    options.onEnd?.(outcome);
  };
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: unknown) => {
    const body = JSON.stringify(options.errorBody(error));
    controller.enqueue(encoder.encode(`event: error\ndata: ${body}\n\n`));
    controller.close();
    end({ error });
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const bytes of options.head) {
        watch(bytes);
        controller.enqueue(bytes);
      }
    },
    async pull(controller) {
      try {
        const { done, value } = await options.rest.read();
        if (done) {
          if (finished) {
            controller.close();
            end({});
          } else {
            fail(
              controller,
              new GatewayError({
                status: 502,
                type: 'upstream_error',
                code: 'upstream_stream_truncated',
                message: 'The upstream stream ended before message_stop.',
              }),
            );
          }
          return;
        }
        watch(value);
        controller.enqueue(value);
      } catch (error) {
        fail(controller, error);
      }
    },
    async cancel(reason) {
      end({ cancelled: true });
      await options.rest.cancel(reason).catch(() => undefined);
    },
  });
}

function parseEvent(block: string): { event?: string; type?: string; data: string } {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r\n|\n|\r/)) {
    const match = /^([^:]*)(?::\s?(.*))?$/.exec(line);
    if (!match || line.startsWith(':')) continue;
    if (match[1] === 'event') event = match[2];
    if (match[1] === 'data') data.push(match[2] ?? '');
  }
  const joined = data.join('\n');
  let type: string | undefined;
  try {
    const parsed: unknown = JSON.parse(joined);
    if (typeof parsed === 'object' && parsed !== null) type = String((parsed as { type?: unknown }).type);
  } catch {
    // Not JSON: the relay passes it on unchanged; only an error event is acted on here.
  }
  return { event, type, data: joined };
}

function emptyStream(provider: { id: string }): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'empty_stream',
    message: `Provider '${provider.id}' ended the stream without any event.`,
    provider: provider.id,
    isRetryable: true,
  });
}
