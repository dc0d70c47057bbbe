import type { ChatCompletionChunk, FinishReason, ToolCallDelta, Usage } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import { buildResponsesResponse, convertToResponsesUsage } from './convert-to-responses-response.ts';
import type { ResponsesEcho } from './internal/responses-echo.ts';
import type {
  FunctionCallItem,
  ItemStatus,
  MessageContentPart,
  MessageItem,
  OutputItem,
  ReasoningItem,
  ResponseStatus,
  ResponsesStreamEvent,
} from './internal/responses-wire-types.ts';
import { mapResponsesStatus } from './map-responses-status.ts';

export type ResponsesStreamContext = {
  /** `resp_…`, made by the caller. */
  id: string;
  /** Seconds since the epoch. */
  createdAt: number;
  echo: ResponsesEcho;
  /** Item ids (`msg_`, `fc_`, `rs_`, and `call_` when an upstream call has none). */
  generateId: (prefix: string) => string;
};

type OpenText =
  | { kind: 'message'; outputIndex: number; item: MessageItem; part?: MessageContentPart }
  | { kind: 'reasoning'; outputIndex: number; item: ReasoningItem };

type OpenCall = { outputIndex: number; item: FunctionCallItem; closed: boolean };

/** Turns canonical chunks into Responses stream events; each method returns the events to send, in order. */
export type ResponsesEventBuilder = {
  /** `response.created`, `response.in_progress`. */
  start(model: string): ResponsesStreamEvent[];
  push(chunk: ChatCompletionChunk): ResponsesStreamEvent[];
  /** Closes what is open, then `response.completed` (or `response.incomplete`) with the whole response. */
  finish(): ResponsesStreamEvent[];
  /** A failure after the stream started: an `error` event, then `response.failed`. */
  fail(error: GatewayError): ResponsesStreamEvent[];
};

/**
 * The stream state machine, canonical chunks → Responses events (wire-formats §2.3), `sequence_number` from 0:
 * - reasoning text opens a `reasoning` item with one `summary_text` part (`reasoning_summary_*` events);
 * - content opens a `message` item with an `output_text` part (`content_part.added`, `output_text.delta` …), a
 *   refusal a `refusal` part (`refusal.delta` …);
 * - each tool call (by its chunk `index`) opens a `function_call` item whose `call_id` is the upstream id, and its
 *   fragments become `function_call_arguments.delta`;
 * - one item is open at a time, as OpenAI streams them: starting an item closes the previous one (`…done` events,
 *   then `output_item.done`). A fragment for a call already closed (an upstream interleaving calls) fails the
 *   stream rather than send arguments the client would never see.
 * Items close at the finish reason; the terminal event waits for the end, so it carries the usage chunk's usage.
 */
export function createResponsesEventBuilder(context: ResponsesStreamContext): ResponsesEventBuilder {
  let sequence = 0;
  let model = '';
  let finishReason: FinishReason | null = null;
  let usage: Usage | null | undefined;
  let open: OpenText | undefined;
  let events: ResponsesStreamEvent[] = [];
  const output: OutputItem[] = [];
  const calls = new Map<number, OpenCall>();

  const emit = (type: string, payload: Record<string, unknown>) => {
    events.push({ type, sequence_number: sequence++, ...payload });
  };
  const drain = () => {
    const out = events;
    events = [];
    return out;
  };
  const snapshot = (status: ResponseStatus, extra: { error?: { code: string; message: string } } = {}) => {
    const outcome = mapResponsesStatus(finishReason);
    return buildResponsesResponse(
      {
        id: context.id,
        createdAt: context.createdAt,
        model,
        status,
        incompleteDetails: status === 'incomplete' ? outcome.incomplete_details : null,
        error: extra.error ?? null,
        output: structuredClone(output),
        usage: status === 'in_progress' ? null : convertToResponsesUsage(usage),
      },
      context.echo,
    );
  };
  const closedStatus = (): ItemStatus =>
    mapResponsesStatus(finishReason).status === 'incomplete' ? 'incomplete' : 'completed';

  const addItem = (item: OutputItem): number => {
    output.push(item);
    const outputIndex = output.length - 1;
    emit('response.output_item.added', { output_index: outputIndex, item: structuredClone(item) });
    return outputIndex;
  };

  const closePart = (text: Extract<OpenText, { kind: 'message' }>) => {
    const part = text.part;
    if (!part) return;
    const at = { item_id: text.item.id, output_index: text.outputIndex, content_index: text.item.content.length - 1 };
    if (part.type === 'output_text') emit('response.output_text.done', { ...at, text: part.text, logprobs: [] });
    else emit('response.refusal.done', { ...at, refusal: part.refusal });
    emit('response.content_part.done', { ...at, part: structuredClone(part) });
    text.part = undefined;
  };

  const closeText = () => {
    if (!open) return;
    if (open.kind === 'message') {
      closePart(open);
      open.item.status = closedStatus();
    } else {
      const summary = open.item.summary[0] ?? { type: 'summary_text' as const, text: '' };
      const at = { item_id: open.item.id, output_index: open.outputIndex, summary_index: 0 };
      emit('response.reasoning_summary_text.done', { ...at, text: summary.text });
      emit('response.reasoning_summary_part.done', { ...at, part: structuredClone(summary) });
    }
    emit('response.output_item.done', { output_index: open.outputIndex, item: structuredClone(open.item) });
    open = undefined;
  };

  const closeCalls = () => {
    for (const call of calls.values()) {
      if (call.closed) continue;
      call.closed = true;
      call.item.status = closedStatus();
      emit('response.function_call_arguments.done', {
        item_id: call.item.id,
        output_index: call.outputIndex,
        name: call.item.name,
        arguments: call.item.arguments,
      });
      emit('response.output_item.done', { output_index: call.outputIndex, item: structuredClone(call.item) });
    }
  };

  const openMessage = (): Extract<OpenText, { kind: 'message' }> => {
    if (open?.kind === 'message') return open;
    closeText();
    closeCalls();
    const item: MessageItem = {
      type: 'message',
      id: context.generateId('msg_'),
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    const message = { kind: 'message' as const, outputIndex: addItem(item), item };
    open = message;
    return message;
  };

  const appendToPart = (type: MessageContentPart['type'], delta: string) => {
    const message = openMessage();
    if (message.part?.type !== type) {
      closePart(message);
      const part: MessageContentPart =
        type === 'output_text'
          ? { type: 'output_text', text: '', annotations: [], logprobs: [] }
          : { type: 'refusal', refusal: '' };
      message.item.content.push(part);
      message.part = part;
      emit('response.content_part.added', {
        item_id: message.item.id,
        output_index: message.outputIndex,
        content_index: message.item.content.length - 1,
        part: structuredClone(part),
      });
    }
    if (delta === '') return;
    const part = message.part as MessageContentPart;
    const at = {
      item_id: message.item.id,
      output_index: message.outputIndex,
      content_index: message.item.content.length - 1,
    };
    if (part.type === 'output_text') {
      part.text += delta;
      emit('response.output_text.delta', { ...at, delta, logprobs: [] });
    } else {
      part.refusal += delta;
      emit('response.refusal.delta', { ...at, delta });
    }
  };

  const appendReasoning = (delta: string) => {
    if (open?.kind !== 'reasoning') {
      closeText();
      closeCalls();
      const item: ReasoningItem = { type: 'reasoning', id: context.generateId('rs_'), summary: [] };
      const outputIndex = addItem(item);
      open = { kind: 'reasoning', outputIndex, item };
      item.summary.push({ type: 'summary_text', text: '' });
      emit('response.reasoning_summary_part.added', {
        item_id: item.id,
        output_index: outputIndex,
        summary_index: 0,
        part: { type: 'summary_text', text: '' },
      });
    }
    const summary = open.item.summary[0] as { text: string };
    summary.text += delta;
    emit('response.reasoning_summary_text.delta', {
      item_id: open.item.id,
      output_index: open.outputIndex,
      summary_index: 0,
      delta,
    });
  };

  const appendCall = (delta: ToolCallDelta) => {
    let call = calls.get(delta.index);
    if (!call) {
      closeText();
      closeCalls();
      const item: FunctionCallItem = {
        type: 'function_call',
        id: context.generateId('fc_'),
        call_id: delta.id ?? context.generateId('call_'),
        name: delta.function?.name ?? '',
        arguments: '',
        status: 'in_progress',
      };
      call = { outputIndex: addItem(item), item, closed: false };
      calls.set(delta.index, call);
    }
    const fragment = delta.function?.arguments;
    if (!fragment) return;
    if (call.closed) {
      throw new GatewayError({
        status: 502,
        type: 'upstream_error',
        code: 'interleaved_tool_calls',
        message:
          'The upstream interleaved the arguments of several tool calls, which the Responses stream cannot carry.',
      });
    }
    call.item.arguments += fragment;
    emit('response.function_call_arguments.delta', {
      item_id: call.item.id,
      output_index: call.outputIndex,
      delta: fragment,
    });
  };

  return {
    start(firstModel) {
      model = firstModel;
      emit('response.created', { response: snapshot('in_progress') });
      emit('response.in_progress', { response: snapshot('in_progress') });
      return drain();
    },
    push(chunk) {
      if (chunk.usage) usage = chunk.usage;
      if (chunk.model) model = chunk.model;
      const choice = chunk.choices.find((candidate) => candidate.index === 0);
      if (!choice) return drain();
      const delta = choice.delta ?? {};
      if (delta.reasoning_content) appendReasoning(delta.reasoning_content);
      if (delta.content) appendToPart('output_text', delta.content);
      if (delta.refusal) appendToPart('refusal', delta.refusal);
      for (const call of delta.tool_calls ?? []) appendCall(call);
      if (choice.finish_reason) {
        finishReason = choice.finish_reason;
        closeText();
        closeCalls();
      }
      return drain();
    },
    finish() {
      closeText();
      closeCalls();
      // An answer with no output at all still gets its (empty) message, as OpenAI sends one.
      if (output.length === 0) {
        appendToPart('output_text', '');
        closeText();
      }
      const { status } = mapResponsesStatus(finishReason);
      emit(status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: snapshot(status) });
      return drain();
    },
    fail(error) {
      const code = error.code ?? error.type;
      // Both documented shapes in one payload: flat fields (spec) and a nested `error` (real traffic), which the
      // OpenAI SDKs raise as an APIError.
      emit('error', {
        code,
        message: error.message,
        param: error.param,
        error: { type: error.type, code, message: error.message, param: error.param },
      });
      emit('response.failed', { response: snapshot('failed', { error: { code, message: error.message } }) });
      return drain();
    },
  };
}
