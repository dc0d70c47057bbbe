import type { ChatCompletionChunk, ToolCallDelta, Usage } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { SseEvent } from '../../streaming/sse-event.ts';
import { convertToAnthropicUsage } from './internal/convert-to-anthropic-usage.ts';
import { mapToAnthropicStopReason } from './map-to-anthropic-stop-reason.ts';

export type AnthropicEventsOptions = {
  /** The `msg_…` id of the message. */
  id: string;
  /** Used until a chunk names the upstream's model. */
  model: string;
  /** A `toolu_…` id for a tool call whose upstream sent none. */
  generateToolId: () => string;
};

export type AnthropicEventWriter = {
  /** The events one canonical chunk becomes; the first call also opens the message. */
  push(chunk: ChatCompletionChunk): SseEvent[];
  /** The events that close the message once the chunks ended cleanly. */
  finish(): SseEvent[];
  /** The `error` event that ends a stream which failed after it started (wire-formats §4.4 rule 7). */
  fail(errorBody: unknown): SseEvent[];
};

type OpenBlock = { kind: 'text' | 'thinking' } | { kind: 'tool'; toolIndex: number };

/**
 * Canonical chunks → Anthropic SSE events (wire-formats §4.8), a state machine for the inbound `/v1/messages`:
 * - `message_start` first (input usage when the first chunk carries it, else 0; the final numbers go in
 *   `message_delta`), followed by a `ping` as Anthropic sends one;
 * - `reasoning_content` → a `thinking` block of `thinking_delta`s, `content` (and `refusal`) → a `text` block of
 *   `text_delta`s, each new `tool_calls[].index` → a `tool_use` block (`input: {}`) whose argument fragments are
 *   `input_json_delta`s with `partial_json`;
 * - blocks come strictly one after another: the open block is closed before another opens, and `index` counts every
 *   block (text, thinking and tool) in order, never OpenAI's tool index;
 * - the end is `message_delta` (mapped `stop_reason`, cumulative usage) then `message_stop`.
 * A fragment for a tool call whose block is already closed (an upstream interleaving parallel calls) cannot be
 * expressed in Anthropic's sequential blocks, so the stream fails rather than hand the client broken arguments.
 */
export function chunksToAnthropicEvents(options: AnthropicEventsOptions): AnthropicEventWriter {
  let started = false;
  let model = options.model;
  let open: OpenBlock | undefined;
  let blockCount = 0;
  let finishReason: string | null = null;
  let refused = false;
  let usage: Usage | undefined;
  const toolBlocks = new Map<number, { closed: boolean }>();

  const event = (type: string, data: Record<string, unknown> = {}): SseEvent => ({
    event: type,
    data: JSON.stringify({ type, ...data }),
  });
  const close = (events: SseEvent[]) => {
    if (!open) return;
    events.push(event('content_block_stop', { index: blockCount - 1 }));
    if (open.kind === 'tool') (toolBlocks.get(open.toolIndex) as { closed: boolean }).closed = true;
    open = undefined;
  };
  const openBlock = (events: SseEvent[], block: OpenBlock, contentBlock: Record<string, unknown>) => {
    close(events);
    open = block;
    events.push(event('content_block_start', { index: blockCount, content_block: contentBlock }));
    blockCount++;
  };
  const delta = (events: SseEvent[], value: Record<string, unknown>) =>
    events.push(event('content_block_delta', { index: blockCount - 1, delta: value }));

  const start = (events: SseEvent[], chunk?: ChatCompletionChunk) => {
    if (started) return;
    started = true;
    if (chunk?.model) model = chunk.model;
    const initial = convertToAnthropicUsage(chunk?.usage);
    events.push(
      event('message_start', {
        message: {
          id: options.id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...initial, output_tokens: 0 },
        },
      }),
      event('ping'),
    );
  };

  const text = (events: SseEvent[], value: string) => {
    if (open?.kind !== 'text') openBlock(events, { kind: 'text' }, { type: 'text', text: '' });
    delta(events, { type: 'text_delta', text: value });
  };

  const toolCall = (events: SseEvent[], call: ToolCallDelta) => {
    const known = toolBlocks.get(call.index);
    if (!known) {
      toolBlocks.set(call.index, { closed: false });
      openBlock(
        events,
        { kind: 'tool', toolIndex: call.index },
        { type: 'tool_use', id: call.id || options.generateToolId(), name: call.function?.name ?? '', input: {} },
      );
    } else if (known.closed || open?.kind !== 'tool' || open.toolIndex !== call.index) {
      throw new GatewayError({
        status: 502,
        type: 'upstream_error',
        code: 'interleaved_tool_calls',
        message: 'The upstream interleaved the arguments of parallel tool calls, which Anthropic streams cannot carry.',
      });
    }
    const fragment = call.function?.arguments;
    if (fragment) delta(events, { type: 'input_json_delta', partial_json: fragment });
  };

  return {
    push(chunk) {
      const events: SseEvent[] = [];
      start(events, chunk);
      if (chunk.model) model = chunk.model;
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices.find((candidate) => candidate.index === 0);
      if (!choice) return events;
      const change = choice.delta ?? {};
      if (typeof change.reasoning_content === 'string' && change.reasoning_content !== '') {
        if (open?.kind !== 'thinking') {
          openBlock(events, { kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' });
        }
        delta(events, { type: 'thinking_delta', thinking: change.reasoning_content });
      }
      if (typeof change.content === 'string' && change.content !== '') text(events, change.content);
      if (typeof change.refusal === 'string' && change.refusal !== '') {
        refused = true;
        text(events, change.refusal);
      }
      for (const call of change.tool_calls ?? []) toolCall(events, call);
      if (choice.finish_reason) finishReason = choice.finish_reason;
      return events;
    },

    finish() {
      const events: SseEvent[] = [];
      start(events);
      close(events);
      const stopReason = refused ? 'refusal' : mapToAnthropicStopReason(finishReason, toolBlocks.size > 0);
      events.push(
        event('message_delta', {
          delta: { stop_reason: stopReason, stop_sequence: null },
          usage: convertToAnthropicUsage(usage),
        }),
        event('message_stop'),
      );
      return events;
    },

    fail(errorBody) {
      return [{ event: 'error', data: JSON.stringify(errorBody) }];
    },
  };
}
