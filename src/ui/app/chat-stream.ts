import { errorFrom, headersFor, type Session } from './session.ts';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type ChatParameters = { temperature?: number; max_tokens?: number; top_p?: number };

export type Usage = { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };

/** What the stats line under an answer shows. */
export type ChatResult = {
  content: string;
  finishReason?: string;
  usage?: Usage;
  /** From the request to the last byte. */
  latencyMs: number;
  /** From the request to the first content delta. */
  timeToFirstTokenMs?: number;
  provider?: string;
  model?: string;
  attempts?: string;
  overheadMs?: string;
  costUsd?: number;
  route?: string;
  /** `x-request-id`, to find the request's record in the request log. */
  requestId?: string;
  aborted: boolean;
};

/**
 * Streams `POST /v1/chat/completions` with `stream_options.include_usage`, calling `onDelta` with the text so far.
 * SSE is parsed here (a few lines) rather than with a library: `data:` lines, blank-line events, `[DONE]`.
 */
export async function streamChat(
  session: Session,
  request: { model: string; messages: ChatMessage[] } & ChatParameters,
  options: { signal?: AbortSignal; onDelta?: (content: string) => void; now?: () => number } = {},
): Promise<ChatResult> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const response = await fetch('/v1/chat/completions', {
    method: 'POST',
    headers: headersFor(session, 'gateway', { 'content-type': 'application/json' }),
    body: JSON.stringify({ ...request, stream: true, stream_options: { include_usage: true } }),
    signal: options.signal,
  });
  if (!response.ok) throw await errorFrom(response);
  const result: ChatResult = {
    content: '',
    latencyMs: 0,
    provider: response.headers.get('x-switchboard-provider') ?? undefined,
    attempts: response.headers.get('x-switchboard-attempts') ?? undefined,
    overheadMs: response.headers.get('x-switchboard-overhead-ms') ?? undefined,
    route: response.headers.get('x-switchboard-route') ?? undefined,
    requestId: response.headers.get('x-request-id') ?? undefined,
    costUsd: numberOrUndefined(response.headers.get('x-switchboard-cost-usd')),
    aborted: false,
  };
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let streamError: string | undefined;
  const handleEvent = (data: string) => {
    if (data === '[DONE]') return;
    let chunk: StreamChunk;
    try {
      chunk = JSON.parse(data) as StreamChunk;
    } catch {
      return;
    }
    if (chunk.error) {
      streamError = chunk.error.message ?? 'The stream failed.';
      return;
    }
    if (chunk.model) result.model = chunk.model;
    if (chunk.usage) result.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (choice?.finish_reason) result.finishReason = choice.finish_reason;
    const text = choice?.delta?.content;
    if (text) {
      result.timeToFirstTokenMs ??= now() - started;
      result.content += text;
      options.onDelta?.(result.content);
    }
  };
  try {
    while (reader) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const events = buffer.split(/\r?\n\r?\n/);
      buffer = events.pop() ?? '';
      for (const event of events) {
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).replace(/^ /, ''))
          .join('\n');
        if (data) handleEvent(data);
      }
    }
  } catch (error) {
    if (!options.signal?.aborted) throw error;
    result.aborted = true;
  }
  result.latencyMs = now() - started;
  if (streamError) throw Object.assign(new Error(streamError), { partial: result });
  return result;
}

type StreamChunk = {
  model?: string;
  usage?: Usage;
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  error?: { message?: string };
};

function numberOrUndefined(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** Completion tokens per second after the first token (the generation speed, not counting the wait). */
export function tokensPerSecond(result: ChatResult): number | undefined {
  const tokens = result.usage?.completion_tokens;
  if (!tokens || result.timeToFirstTokenMs === undefined) return undefined;
  const generationMs = result.latencyMs - result.timeToFirstTokenMs;
  return generationMs > 0 ? (tokens / generationMs) * 1000 : undefined;
}
