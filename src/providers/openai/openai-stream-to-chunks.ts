import type { ChatCompletionChunk, Usage } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { SseEvent } from '../../streaming/sse-event.ts';
import type { SseTranslator } from '../../streaming/translate-sse-stream.ts';
import { isOpenAIErrorPayload } from './internal/is-openai-error-payload.ts';
import { normalizeOpenAIMessage } from './internal/normalize-openai-message.ts';
import { normalizeOpenAIUsage } from './internal/normalize-openai-usage.ts';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.ts';
import { parseErrorBody } from './openai-error.ts';

type StreamDefaults = { id: string; created: number; model: string; provider: string };

/**
 * OpenAI-format SSE events → canonical chunks (wire-formats §1.7, §9).
 * - `[DONE]` ends the stream; a stream that ends without it and without any finish reason was truncated and errors.
 * - `data: {"error":…}`, vLLM's `data: {"object":"error",…}` and `event: error` become a `GatewayError`.
 * - Usage, wherever a server puts it (a `choices: []` chunk; on the finish chunk as Mistral and Together do; in
 *   `x_groq.usage` on Groq's last chunk, https://console.groq.com/docs/api-reference), is taken off the chunks,
 *   normalised, and sent once as the last chunk, so downstream code finds it in one place.
 * - Deltas are normalised like messages (`reasoning` → `reasoning_content`, Mistral's content chunks).
 * - Azure's empty first chunk (`choices: []`, `prompt_filter_results`) and the `obfuscation` padding are dropped.
 */
export function openAIStreamToChunks(defaults: StreamDefaults): SseTranslator<ChatCompletionChunk> {
  let done = false;
  let sawFinish = false;
  let usage: Usage | undefined;
  let last: { id: string; created: number; model: string; system_fingerprint?: unknown } = defaults;

  return {
    transform(event, controller) {
      if (done) return;
      const data = event.data;
      if (data === '[DONE]') {
        done = true;
        if (usage) controller.enqueue(usageChunk(last, usage));
        controller.terminate();
        return;
      }
      const payload = parsePayload(event);
      if (!payload) {
        controller.error(malformed(defaults.provider, data));
        return;
      }
      if (event.event === 'error' || isOpenAIErrorPayload(payload)) {
        const parsed = parseErrorBody(JSON.stringify(payload));
        controller.error(
          new GatewayError({
            status: 502,
            type: parsed.type ?? 'upstream_error',
            code: parsed.code ?? 'upstream_stream_error',
            message: `${parsed.message ?? 'The provider reported an error mid-stream'} (provider '${defaults.provider}')`,
            provider: defaults.provider,
            isRetryable: true,
          }),
        );
        return;
      }
      usage = normalizeOpenAIUsage(payload.usage) ?? groqUsage(payload) ?? usage;
      const choices = Array.isArray(payload.choices) ? (payload.choices as Array<Record<string, unknown>>) : [];
      if (choices.length === 0) return;
      // Rest, not `delete`: deleting keys turns an object into a slow dictionary, which every later read and the
      // JSON writer then pay for on every chunk.
      const { obfuscation: _padding, usage: _usage, ...fields } = payload;
      const chunk = {
        ...fields,
        id: typeof payload.id === 'string' && payload.id !== '' ? payload.id : last.id,
        object: 'chat.completion.chunk',
        created: typeof payload.created === 'number' && payload.created > 0 ? payload.created : last.created,
        model: typeof payload.model === 'string' && payload.model !== '' ? payload.model : last.model,
        choices: choices.map((choice, position) => {
          const finishReason = mapOpenAIFinishReason(choice.finish_reason);
          if (finishReason) sawFinish = true;
          return {
            ...choice,
            index: typeof choice.index === 'number' ? choice.index : position,
            delta:
              typeof choice.delta === 'object' && choice.delta !== null
                ? normalizeOpenAIMessage(choice.delta as Record<string, unknown>)
                : {},
            finish_reason: finishReason,
          };
        }),
      } as ChatCompletionChunk;
      last = chunk;
      controller.enqueue(chunk);
    },
    flush(controller) {
      if (done) return;
      if (!sawFinish) {
        controller.error(
          new GatewayError({
            status: 502,
            type: 'upstream_error',
            code: 'upstream_stream_truncated',
            message: `Provider '${defaults.provider}' ended the stream before it finished.`,
            provider: defaults.provider,
            isRetryable: true,
          }),
        );
        return;
      }
      // Some compatible servers finish without `[DONE]`; a finish reason was seen, so the answer is whole.
      if (usage) controller.enqueue(usageChunk(last, usage));
    },
  };
}

function usageChunk(
  last: { id: string; created: number; model: string; system_fingerprint?: unknown },
  usage: Usage,
): ChatCompletionChunk {
  const chunk: ChatCompletionChunk = {
    id: last.id,
    object: 'chat.completion.chunk',
    created: last.created,
    model: last.model,
    choices: [],
    usage,
  };
  if (last.system_fingerprint !== undefined) chunk.system_fingerprint = last.system_fingerprint as string | null;
  return chunk;
}

function parsePayload(event: SseEvent): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(event.data);
  } catch {
    // An `event: error` whose data is plain text is still the upstream's error, not a framing problem.
    return event.event === 'error' ? { error: { message: event.data } } : undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Groq's usage before it honoured `stream_options`: `x_groq.usage` on the last chunk. */
function groqUsage(payload: Record<string, unknown>): Usage | undefined {
  const extension = payload.x_groq;
  if (typeof extension !== 'object' || extension === null) return undefined;
  return normalizeOpenAIUsage((extension as { usage?: unknown }).usage);
}

function malformed(provider: string, data: string): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'invalid_upstream_stream',
    message: `Provider '${provider}' sent a stream event that is not JSON: ${data.slice(0, 80)}`,
    provider,
    isRetryable: true,
  });
}
