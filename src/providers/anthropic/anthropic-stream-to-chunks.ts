import type { ChatCompletionChunk, ChunkChoice, FinishReason } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { SseTranslator } from '../../streaming/translate-sse-stream.ts';
import { anthropicStreamError } from './anthropic-error.ts';
import type { AnthropicUsage } from './internal/anthropic-wire-types.ts';
import { convertAnthropicUsage } from './internal/convert-anthropic-usage.ts';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.ts';

export type AnthropicStreamDefaults = {
  /** Used until `message_start` names the message. */
  id: string;
  /** Unix seconds, the same on every chunk. */
  created: number;
  model: string;
  provider: string;
  /** The tool standing in for a `json_schema` response format; its input streams out as content. */
  answerToolName?: string;
};

/** What an Anthropic content block (by its block index) turns into. */
type Block =
  | { kind: 'text' | 'thinking' | 'ignored' }
  | { kind: 'tool'; toolIndex: number; sentArguments: boolean }
  | { kind: 'answer'; sentArguments: boolean };

/**
 * Anthropic SSE events → canonical chunks (wire-formats §4.4, §4.7):
 * - `message_start` → the role chunk `{role:"assistant", content:""}`; the message id and model are used on every chunk;
 * - `text_delta` → `content`, `thinking_delta` → `reasoning_content`;
 * - a `tool_use` block → a tool-call delta whose `index` counts tool calls only (0..n-1), never Anthropic's block
 *   index; `input_json_delta` fragments are forwarded as-is as `arguments` fragments at that index;
 * - `message_delta` → the finish chunk (`delta: {}`), its cumulative usage is kept; `message_stop` → one usage chunk
 *   (`choices: []`), then the stream closes;
 * - `event: error` → the stream errors with a `GatewayError`; a stream without `message_stop` was truncated and errors;
 * - `ping`, signatures, citations, redacted thinking and unknown events or blocks are ignored.
 */
export function anthropicStreamToChunks(defaults: AnthropicStreamDefaults): SseTranslator<ChatCompletionChunk> {
  let id = defaults.id;
  let model = defaults.model;
  let started = false;
  let finished = false;
  let done = false;
  let answered = false;
  let toolCount = 0;
  let usage: AnthropicUsage = {};
  const blocks = new Map<number, Block>();

  const chunk = (choices: ChunkChoice[]): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created: defaults.created,
    model,
    choices,
  });
  const delta = (value: ChunkChoice['delta'], finishReason: FinishReason | null = null): ChatCompletionChunk =>
    chunk([{ index: 0, delta: value, logprobs: null, finish_reason: finishReason }]);

  return {
    transform(event, controller) {
      if (done) return;
      if (event.event === 'error') {
        done = true;
        controller.error(anthropicStreamError(event.data, { id: defaults.provider }));
        return;
      }
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(event.data);
      } catch {
        controller.error(streamFault(defaults.provider, 'invalid_upstream_stream', `an event that is not JSON`));
        return;
      }
      const type = typeof payload?.type === 'string' ? payload.type : event.event;
      if (type === 'error') {
        done = true;
        controller.error(anthropicStreamError(event.data, { id: defaults.provider }));
        return;
      }
      const start = () => {
        if (started) return;
        started = true;
        controller.enqueue(delta({ role: 'assistant', content: '' }));
      };

      switch (type) {
        case 'message_start': {
          const message = (payload.message ?? {}) as Record<string, unknown>;
          if (typeof message.id === 'string' && message.id !== '') id = message.id;
          if (typeof message.model === 'string' && message.model !== '') model = message.model;
          if (isRecord(message.usage)) usage = { ...usage, ...definedOnly(message.usage) };
          start();
          return;
        }
        case 'content_block_start': {
          start();
          const index = Number(payload.index);
          const block = (payload.content_block ?? {}) as Record<string, unknown>;
          if (block.type === 'text') {
            blocks.set(index, { kind: 'text' });
            if (typeof block.text === 'string' && block.text !== '') controller.enqueue(delta({ content: block.text }));
          } else if (block.type === 'thinking') {
            blocks.set(index, { kind: 'thinking' });
            if (typeof block.thinking === 'string' && block.thinking !== '') {
              controller.enqueue(delta({ reasoning_content: block.thinking }));
            }
          } else if (
            block.type === 'tool_use' &&
            defaults.answerToolName !== undefined &&
            defaults.answerToolName === block.name
          ) {
            answered = true;
            blocks.set(index, { kind: 'answer', sentArguments: false });
          } else if (block.type === 'tool_use') {
            const toolIndex = toolCount++;
            blocks.set(index, { kind: 'tool', toolIndex, sentArguments: false });
            controller.enqueue(
              delta({
                tool_calls: [
                  {
                    index: toolIndex,
                    id: String(block.id),
                    type: 'function',
                    function: { name: String(block.name), arguments: '' },
                  },
                ],
              }),
            );
          } else {
            blocks.set(index, { kind: 'ignored' });
          }
          return;
        }
        case 'content_block_delta': {
          const block = blocks.get(Number(payload.index));
          const change = (payload.delta ?? {}) as Record<string, unknown>;
          if (!block) return;
          if (change.type === 'text_delta' && block.kind === 'text' && typeof change.text === 'string') {
            controller.enqueue(delta({ content: change.text }));
          } else if (
            change.type === 'thinking_delta' &&
            block.kind === 'thinking' &&
            typeof change.thinking === 'string'
          ) {
            controller.enqueue(delta({ reasoning_content: change.thinking }));
          } else if (change.type === 'input_json_delta' && typeof change.partial_json === 'string') {
            if (change.partial_json === '') return;
            if (block.kind === 'tool') {
              block.sentArguments = true;
              controller.enqueue(
                delta({ tool_calls: [{ index: block.toolIndex, function: { arguments: change.partial_json } }] }),
              );
            } else if (block.kind === 'answer') {
              block.sentArguments = true;
              controller.enqueue(delta({ content: change.partial_json }));
            }
          }
          return;
        }
        case 'content_block_stop': {
          // A tool without arguments may stream no JSON at all; clients parse the arguments, so send `{}`.
          const block = blocks.get(Number(payload.index));
          if (block?.kind === 'tool' && !block.sentArguments) {
            controller.enqueue(delta({ tool_calls: [{ index: block.toolIndex, function: { arguments: '{}' } }] }));
          } else if (block?.kind === 'answer' && !block.sentArguments) {
            controller.enqueue(delta({ content: '{}' }));
          }
          return;
        }
        case 'message_delta': {
          start();
          // Usage here is cumulative (final totals), and input or cache counts, when present, replace the start's.
          if (isRecord(payload.usage)) usage = { ...usage, ...definedOnly(payload.usage) };
          const change = (payload.delta ?? {}) as Record<string, unknown>;
          let reason = mapAnthropicFinishReason(change.stop_reason);
          if (reason === 'tool_calls' && answered && toolCount === 0) reason = 'stop';
          if (reason && !finished) {
            finished = true;
            controller.enqueue(delta({}, reason));
          }
          return;
        }
        case 'message_stop': {
          start();
          done = true;
          if (!finished) controller.enqueue(delta({}, 'stop'));
          if (Object.keys(usage).length > 0) controller.enqueue({ ...chunk([]), usage: convertAnthropicUsage(usage) });
          controller.terminate();
          return;
        }
        default:
          // `ping` and event types added after this was written.
          return;
      }
    },
    flush(controller) {
      if (done) return;
      controller.error(
        streamFault(defaults.provider, 'upstream_stream_truncated', 'a stream that ended before message_stop'),
      );
    },
  };
}

function streamFault(provider: string, code: string, what: string): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code,
    message: `Provider '${provider}' sent ${what}.`,
    provider,
    isRetryable: true,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Drops null/undefined fields, so a later partial usage does not erase counts an earlier event gave. */
function definedOnly(usage: Record<string, unknown>): AnthropicUsage {
  return Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== null && value !== undefined));
}
