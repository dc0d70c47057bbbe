import { recordProvider } from './record-dimensions.ts';
import type { RequestRecord } from './request-record.ts';

/** OTLP/JSON `AnyValue` (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): int64 as a string. */
type OtlpValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
export type OtlpAttribute = { key: string; value: OtlpValue };

export type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 2 server (the request), 3 client (an upstream attempt). */
  kind: 2 | 3;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpAttribute[];
  /** 0 unset, 2 error. */
  status: { code: 0 | 2; message?: string };
};

/** Fresh ids: 16 bytes for a trace, 8 for a span, as lowercase hex (OTLP/JSON writes ids as hex, not base64). */
export function randomTraceId(): string {
  return randomHex(16);
}

export function randomSpanId(): string {
  return randomHex(8);
}

function randomHex(bytes: number): string {
  let hex = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(bytes))) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/**
 * One server span for the request with the OpenTelemetry GenAI attributes
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/), and one client span per upstream attempt.
 * The record keeps each attempt's duration but not its start, so attempts are laid end to end from the request's
 * start (`switchboard.attempt.start_estimated`): exact durations, approximate positions (backoff waits are not shown).
 */
export function recordToOtlpSpans(
  record: RequestRecord,
  ids: { traceId: string; spanId: () => string } = { traceId: randomTraceId(), spanId: randomSpanId },
): OtlpSpan[] {
  const requestSpanId = ids.spanId();
  const start = record.startedAt;
  const end = start + record.latencyMs;
  const provider = recordProvider(record);
  const attributes: OtlpAttribute[] = [
    text('gen_ai.operation.name', 'chat'),
    text('gen_ai.request.model', record.modelAsked),
    integer('http.response.status_code', record.status),
    text('switchboard.request_id', record.requestId),
    text('switchboard.inbound', record.inbound),
    flag('switchboard.stream', record.stream),
    integer('switchboard.attempts', record.attempts.length),
  ];
  if (provider) attributes.push(text('gen_ai.provider.name', provider), text('gen_ai.system', provider));
  if (record.modelUsed) attributes.push(text('gen_ai.response.model', record.modelUsed));
  if (record.usage) {
    attributes.push(
      integer('gen_ai.usage.input_tokens', record.usage.prompt_tokens),
      integer('gen_ai.usage.output_tokens', record.usage.completion_tokens),
    );
  }
  if (record.usageSource) attributes.push(text('switchboard.usage_source', record.usageSource));
  if (record.timeToFirstTokenMs !== undefined)
    attributes.push(decimal('switchboard.time_to_first_token_ms', record.timeToFirstTokenMs));
  if (record.overheadMs !== undefined) attributes.push(decimal('switchboard.overhead_ms', record.overheadMs));
  if (record.costUsd !== undefined) attributes.push(decimal('switchboard.cost_usd', record.costUsd));
  if (record.cacheHit) attributes.push(flag('switchboard.cache_hit', true));
  if (record.cancelled) attributes.push(flag('switchboard.cancelled', true));
  if (record.keyId) attributes.push(text('switchboard.key_id', record.keyId));
  if (record.error) attributes.push(text('error.type', record.error.type));
  const spans: OtlpSpan[] = [
    {
      traceId: ids.traceId,
      spanId: requestSpanId,
      name: `chat ${record.modelAsked}`,
      kind: 2,
      startTimeUnixNano: toNanos(start),
      endTimeUnixNano: toNanos(end),
      attributes,
      status: record.error ? { code: 2, message: record.error.message } : { code: 0 },
    },
  ];
  let attemptStart = start;
  record.attempts.forEach((attempt, index) => {
    const attemptEnd = Math.min(end, attemptStart + attempt.durationMs);
    const attemptAttributes: OtlpAttribute[] = [
      text('gen_ai.operation.name', 'chat'),
      text('gen_ai.provider.name', attempt.provider),
      text('gen_ai.request.model', attempt.model),
      integer('switchboard.attempt', index + 1),
      flag('switchboard.attempt.start_estimated', true),
    ];
    if (attempt.status !== undefined) attemptAttributes.push(integer('http.response.status_code', attempt.status));
    if (attempt.error !== undefined) attemptAttributes.push(text('error.type', errorTypeOf(attempt.status)));
    spans.push({
      traceId: ids.traceId,
      spanId: ids.spanId(),
      parentSpanId: requestSpanId,
      name: `chat ${attempt.model}`,
      kind: 3,
      startTimeUnixNano: toNanos(attemptStart),
      endTimeUnixNano: toNanos(attemptEnd),
      attributes: attemptAttributes,
      status: attempt.error === undefined ? { code: 0 } : { code: 2, message: attempt.error },
    });
    attemptStart = attemptEnd;
  });
  return spans;
}

function errorTypeOf(status: number | undefined): string {
  return status === undefined ? 'error' : String(status);
}

/** Milliseconds (possibly fractional) since the epoch → integer nanoseconds as a decimal string. */
function toNanos(milliseconds: number): string {
  const whole = Math.floor(milliseconds);
  const micros = Math.min(999, Math.round((milliseconds - whole) * 1_000));
  return `${whole}${String(micros).padStart(3, '0')}000`;
}

function text(key: string, value: string): OtlpAttribute {
  return { key, value: { stringValue: value } };
}

function integer(key: string, value: number): OtlpAttribute {
  return { key, value: { intValue: String(Math.round(value)) } };
}

function decimal(key: string, value: number): OtlpAttribute {
  return { key, value: { doubleValue: value } };
}

function flag(key: string, value: boolean): OtlpAttribute {
  return { key, value: { boolValue: value } };
}
