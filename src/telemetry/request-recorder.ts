import type { ChatCompletionChunk, ChatRequest, Usage } from '../canonical/index.ts';
import { GatewayError } from '../canonical/index.ts';
import { computeCost } from './compute-cost.ts';
import { estimateTokens } from './estimate-tokens.ts';
import type { TokenPrices } from './price-catalog.ts';
import type { InboundFormat, RequestRecord, TelemetrySink } from './request-record.ts';

/**
 * Fills one `RequestRecord` as a chat request runs and hands it to the sink exactly once, when the request ends.
 * Counting stream text costs a length addition per chunk; the prompt is measured only when the upstream gave no
 * usage.
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

  constructor(
    sink: TelemetrySink | undefined,
    request: ChatRequest,
    context: { requestId: string; keyId?: string; inbound: InboundFormat; now: number },
  ) {
    this.sink = sink;
    this.request = request;
    this.record = {
      requestId: context.requestId,
      startedAt: context.now,
      inbound: context.inbound,
      modelAsked: request.model,
      stream: request.stream === true,
      attempts: [],
      status: 0,
      latencyMs: 0,
    };
    if (context.keyId) this.record.keyId = context.keyId;
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
    }
  }

  /** The request ended: with usage from a whole answer, after a stream, or with an error. */
  finish(outcome: {
    usage?: Usage | null;
    completionText?: string;
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
    try {
      this.sink?.record(record);
    } catch {
      // Telemetry never fails a request.
    }
  }
}
