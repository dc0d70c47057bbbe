import type { ChatCompletion, ChatCompletionChunk, ChatRequest, ToolCall, Usage } from '../canonical/index.ts';
import { GatewayError } from '../canonical/index.ts';
import { capBody } from './cap-body.ts';
import { computeCost } from './compute-cost.ts';
import { estimateTokens } from './estimate-tokens.ts';
import type { TokenPrices } from './price-catalog.ts';
import {
  type BodyCapture,
  type RecordContext,
  type RequestRecord,
  startRequestRecord,
  type TelemetrySink,
} from './request-record.ts';

/** A stream's answer as far as `telemetry.log.bodies` keeps it: text and tool calls, bounded by the body cap. */
type StreamedAnswer = {
  content: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }>;
  /** Characters kept so far: past the cap, further text is dropped (the stored body is cut anyway). */
  characters: number;
};

/**
 * Fills one `RequestRecord` as a chat request runs and hands it to the sink exactly once, when the request ends.
 * Counting stream text costs a length addition per chunk; the prompt is measured only when the upstream gave no
 * usage. With `telemetry.log.bodies` (the sink's `bodies`), it also keeps the request and the answer's text; without,
 * it builds no text at all.
 */
export class RequestRecorder {
  readonly record: RequestRecord;
  private readonly sink: TelemetrySink | undefined;
  private readonly request: ChatRequest;
  private readonly startedAtMonotonic = performance.now();
  private completionCharacters = 0;
  private finished = false;
  private price: TokenPrices | undefined;
  private streamStarted = false;
  private readonly bodies: BodyCapture | undefined;
  private streamed: StreamedAnswer | undefined;

  constructor(sink: TelemetrySink | undefined, request: ChatRequest, context: RecordContext) {
    this.sink = sink;
    this.bodies = sink?.bodies;
    this.request = request;
    this.record = startRequestRecord(request, context);
  }

  /** The price of the upstream that answered: the record gets `costUsd` from the final usage when the request ends. */
  setPrice(price: TokenPrices): void {
    this.price = price;
  }

  /** Milliseconds since the recorder started. */
  elapsed(): number {
    return performance.now() - this.startedAtMonotonic;
  }

  /** Counts what a stream chunk carries: its text (for estimates) and its usage. */
  observeChunk(chunk: ChatCompletionChunk): void {
    if (!this.streamStarted) {
      this.streamStarted = true;
      try {
        this.sink?.streamStarted?.(this.record);
      } catch {
        // Telemetry never fails a request.
      }
    }
    if (chunk.usage) this.record.usage = chunk.usage;
    for (const choice of chunk.choices) {
      this.completionCharacters += choice.delta.content?.length ?? 0;
      this.completionCharacters += choice.delta.reasoning_content?.length ?? 0;
      for (const call of choice.delta.tool_calls ?? [])
        this.completionCharacters += call.function?.arguments?.length ?? 0;
      if (this.bodies && choice.index === 0) this.keepDelta(choice.delta, this.bodies.maxBytes);
    }
  }

  /** `telemetry.log.bodies`: appends a stream delta's text and tool-call fragments, up to the body cap. */
  private keepDelta(delta: ChatCompletionChunk['choices'][number]['delta'], maxBytes: number): void {
    this.streamed ??= { content: '', toolCalls: [], characters: 0 };
    const kept = this.streamed;
    if (delta.content && kept.characters <= maxBytes) {
      kept.content += delta.content;
      kept.characters += delta.content.length;
    }
    for (const call of delta.tool_calls ?? []) {
      let entry = kept.toolCalls[call.index];
      if (!entry) {
        entry = { id: '', name: '', arguments: '' };
        kept.toolCalls[call.index] = entry;
      }
      if (call.id) entry.id = call.id;
      if (call.function?.name) entry.name += call.function.name;
      const fragment = call.function?.arguments;
      if (fragment && kept.characters <= maxBytes) {
        entry.arguments += fragment;
        kept.characters += fragment.length;
      }
    }
  }

  /** The answer as a JSON assistant message: from the whole answer, the kept stream, or the completion text. */
  private completionBody(
    message: ChatCompletion['choices'][number]['message'] | undefined,
    completionText: string | undefined,
  ): string | undefined {
    let content: string | null | undefined;
    let toolCalls: ToolCall[] | undefined;
    if (message) {
      content = message.content;
      toolCalls = message.tool_calls;
    } else if (this.streamed) {
      content = this.streamed.content;
      toolCalls = this.streamed.toolCalls
        .filter((call) => call !== undefined)
        .map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
    } else if (completionText) content = completionText;
    else return undefined;
    return JSON.stringify({
      role: 'assistant',
      content: content ?? null,
      ...(toolCalls && toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    });
  }

  /** The request ended: with usage from a whole answer, after a stream, or with an error. */
  finish(outcome: {
    usage?: Usage | null;
    completionText?: string;
    /** A whole answer's message: with `telemetry.log.bodies`, its content and tool calls are kept. */
    message?: ChatCompletion['choices'][number]['message'];
    error?: unknown;
    cancelled?: boolean;
    status?: number;
  }): void {
    if (this.finished) return;
    this.finished = true;
    const record = this.record;
    record.latencyMs = Math.round(this.elapsed() * 100) / 100;
    if (outcome.usage) record.usage = outcome.usage;
    if (outcome.completionText) this.completionCharacters += outcome.completionText.length;
    if (outcome.cancelled) record.cancelled = true;
    if (outcome.error !== undefined) {
      const error =
        outcome.error instanceof GatewayError
          ? outcome.error
          : new GatewayError({
              status: 500,
              message: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
            });
      record.error = { type: error.type, code: error.code, message: error.message };
      if (record.status === 0) record.status = error.status;
    }
    if (outcome.status !== undefined) record.status = outcome.status;
    if (record.usage) record.usageSource = 'upstream';
    else if (record.status === 200) {
      const prompt = estimateTokens(JSON.stringify(this.request.messages).length);
      const completion = estimateTokens(this.completionCharacters);
      record.usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
      record.usageSource = 'estimated';
    }
    if (record.usage && this.price) record.costUsd = computeCost(record.usage, this.price);
    if (this.bodies) {
      // The request as sent upstream: routing preferences are the gateway's, headers and keys never part of it.
      const { provider: _preferences, ...sent } = this.request;
      record.requestBody = capBody(JSON.stringify(sent), this.bodies.maxBytes);
      const completion = this.completionBody(outcome.message, outcome.completionText);
      if (completion !== undefined) record.completionBody = capBody(completion, this.bodies.maxBytes);
    }
    try {
      this.sink?.record(record);
    } catch {
      // Telemetry never fails a request.
    }
  }
}
