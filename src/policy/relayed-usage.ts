import { createParser } from 'eventsource-parser';
import type { Usage } from '../canonical/index.ts';
import type { AnthropicUsage } from '../providers/anthropic/internal/anthropic-wire-types.ts';
import { convertAnthropicUsage } from '../providers/anthropic/internal/convert-anthropic-usage.ts';
import { MAX_SSE_EVENT_LENGTH } from '../streaming/sse-event.ts';

/**
 * The usage of an answer the gateway relays without reading it (native pass-through), for settling limits and
 * budgets: fed the bytes as they pass, asked once at the end. Never changes or holds the bytes, only the usage.
 */
export type UsageTap = {
  feed(bytes: Uint8Array): void;
  /** The usage seen so far, canonical (OpenAI) counts; `undefined` when the answer carried none. */
  usage(): Usage | undefined;
};

/** Which wire format a relayed answer is in. */
export type RelayedFormat = 'anthropic-messages' | 'openai-responses';

/** A tap for a relayed SSE stream of `format`. */
export function streamUsageTap(format: RelayedFormat): UsageTap {
  return format === 'anthropic-messages' ? anthropicStreamTap() : responsesStreamTap();
}

/** A tap for a relayed JSON body of `format` (a Message or a Response object), read when the body is whole. */
export function jsonUsageTap(format: RelayedFormat): UsageTap {
  const decoder = new TextDecoder();
  let text = '';
  return {
    feed(bytes) {
      text += decoder.decode(bytes, { stream: true });
    },
    usage() {
      const body = parseJson(text + decoder.decode());
      if (!isRecord(body)) return undefined;
      return format === 'anthropic-messages' ? anthropicUsageOf(body.usage) : responsesUsageOf(body.usage);
    },
  };
}

/**
 * Anthropic events: `message_start.message.usage` gives the prompt (input and cache reads/writes) and the first
 * output count, each `message_delta.usage` the cumulative counts since; later fields replace earlier ones.
 */
function anthropicStreamTap(): UsageTap {
  let seen: AnthropicUsage | undefined;
  const merge = (usage: unknown) => {
    if (!isRecord(usage)) return;
    const defined = Object.entries(usage).filter(([, value]) => value !== null && value !== undefined);
    seen = { ...seen, ...Object.fromEntries(defined) };
  };
  return sseTap(
    ['message_start', 'message_delta'],
    (data) => {
      if (data.type === 'message_start' && isRecord(data.message)) merge(data.message.usage);
      else if (data.type === 'message_delta') merge(data.usage);
    },
    () => (seen ? convertAnthropicUsage(seen) : undefined),
  );
}

/** Responses events: the final `response.completed` (or `response.incomplete` / `response.failed`) carries usage. */
function responsesStreamTap(): UsageTap {
  const ends = ['response.completed', 'response.incomplete', 'response.failed'];
  let seen: Usage | undefined;
  return sseTap(
    ends,
    (data) => {
      if (typeof data.type === 'string' && ends.includes(data.type) && isRecord(data.response)) {
        seen = responsesUsageOf(data.response.usage) ?? seen;
      }
    },
    () => seen,
  );
}

/**
 * SSE bytes → the JSON data of the events that may carry usage. Only those are parsed: an event named in `names`,
 * or an unnamed one whose data mentions usage (content deltas, the bulk of a stream, are skipped unparsed).
 */
function sseTap(
  names: string[],
  onData: (data: Record<string, unknown>) => void,
  usage: () => Usage | undefined,
): UsageTap {
  const decoder = new TextDecoder();
  // An event longer than any real one (an endless line) stops the tap: the bytes still go to the client as they come,
  // and the parser holds no more than the bound; the record then has no usage.
  let gaveUp = false;
  const parser = createParser({
    maxBufferSize: MAX_SSE_EVENT_LENGTH,
    onError(error) {
      if (error.type === 'max-buffer-size-exceeded') gaveUp = true;
    },
    onEvent(message) {
      const wanted = message.event ? names.includes(message.event) : message.data.includes('"usage"');
      if (!wanted) return;
      const data = parseJson(message.data);
      if (isRecord(data)) onData(data);
    },
  });
  return {
    feed(bytes) {
      if (!gaveUp) parser.feed(decoder.decode(bytes, { stream: true }));
    },
    usage,
  };
}

function anthropicUsageOf(usage: unknown): Usage | undefined {
  return isRecord(usage) ? convertAnthropicUsage(usage as AnthropicUsage) : undefined;
}

/** Responses usage → canonical usage (the inverse of wire-formats §8.2): input is the prompt, cached reads included. */
export function responsesUsageOf(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const prompt = count(usage.input_tokens);
  const completion = count(usage.output_tokens);
  const input = isRecord(usage.input_tokens_details) ? usage.input_tokens_details : {};
  const output = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : {};
  const result: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: typeof usage.total_tokens === 'number' ? usage.total_tokens : prompt + completion,
    prompt_tokens_details: { cached_tokens: count(input.cached_tokens) },
    completion_tokens_details: { reasoning_tokens: count(output.reasoning_tokens) },
  };
  return result;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
