import type { ChatCompletionChunk, ChunkChoice, FinishReason, Usage } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import type { SseTranslator } from '../../streaming/translate-sse-stream.ts';
import { mapGeminiStreamError } from './gemini-error.ts';
import { convertGeminiUsage } from './internal/convert-gemini-usage.ts';
import type { GeminiCandidate, GeminiResponse } from './internal/gemini-wire-types.ts';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.ts';

export type GeminiStreamDefaults = {
  id: string;
  created: number;
  /** The requested model; the first `modelVersion` seen wins. */
  model: string;
  provider: string;
  generateId: (prefix: string) => string;
};

type CandidateState = { toolCalls: number; finished: boolean };

/**
 * `streamGenerateContent?alt=sse` events → canonical chunks (wire-formats §5.4, §1.7). Each event is a whole
 * `GenerateContentResponse` holding only the new parts.
 * - Per candidate: a first chunk `{role:"assistant", content:""}`, then one chunk per text / thought / call part
 *   (a `functionCall` arrives whole, so it is one `tool_calls` delta with the full arguments, indexed 0..n-1),
 *   then a finish chunk `delta: {}`.
 * - `usageMetadata` is a running total on every event: the last one is sent once, as the final `choices: []` chunk.
 * - Gemini has no terminator: EOF after every started candidate has a `finishReason` is a clean end; EOF before
 *   that (or with no event at all) is a truncated stream and errors. `data: {"error":…}` errors like an HTTP error.
 */
export function geminiStreamToChunks(defaults: GeminiStreamDefaults): SseTranslator<ChatCompletionChunk> {
  const candidates = new Map<number, CandidateState>();
  let model: string | undefined;
  let usage: Usage | undefined;
  let failed = false;

  const chunk = (choices: ChunkChoice[]): ChatCompletionChunk => ({
    id: defaults.id,
    object: 'chat.completion.chunk',
    created: defaults.created,
    model: model ?? defaults.model,
    choices,
  });

  return {
    transform(event, controller) {
      if (failed) return;
      let payload: GeminiResponse;
      try {
        payload = JSON.parse(event.data);
      } catch {
        failed = true;
        controller.error(
          streamError(
            defaults.provider,
            'invalid_upstream_stream',
            `sent a stream event that is not JSON: ${event.data.slice(0, 80)}`,
          ),
        );
        return;
      }
      if (typeof payload !== 'object' || payload === null || payload.error !== undefined) {
        failed = true;
        controller.error(mapGeminiStreamError(payload, defaults.provider));
        return;
      }
      if (model === undefined && typeof payload.modelVersion === 'string' && payload.modelVersion !== '') {
        model = payload.modelVersion;
      }
      if (payload.usageMetadata) usage = convertGeminiUsage(payload.usageMetadata);

      const list = payload.candidates ?? [];
      if (list.length === 0 && payload.promptFeedback?.blockReason && candidates.size === 0) {
        candidates.set(0, { toolCalls: 0, finished: true });
        controller.enqueue(chunk([choice(0, { role: 'assistant', content: '' })]));
        controller.enqueue(chunk([choice(0, {}, 'content_filter')]));
        return;
      }
      list.forEach((candidate, position) => {
        for (const next of candidateChoices(candidate, candidate.index ?? position)) controller.enqueue(chunk([next]));
      });
    },
    flush(controller) {
      if (failed) return;
      const unfinished = candidates.size === 0 || [...candidates.values()].some((state) => !state.finished);
      if (unfinished) {
        controller.error(
          streamError(defaults.provider, 'upstream_stream_truncated', 'ended the stream before it finished'),
        );
        return;
      }
      if (usage) controller.enqueue({ ...chunk([]), usage });
    },
  };

  function candidateChoices(candidate: GeminiCandidate, index: number): ChunkChoice[] {
    const out: ChunkChoice[] = [];
    let state = candidates.get(index);
    if (!state) {
      state = { toolCalls: 0, finished: false };
      candidates.set(index, state);
      out.push(choice(index, { role: 'assistant', content: '' }));
    }
    if (state.finished) return out;
    for (const part of candidate.content?.parts ?? []) {
      if (part.functionCall) {
        out.push(
          choice(index, {
            tool_calls: [
              {
                index: state.toolCalls++,
                id: defaults.generateId('call_'),
                type: 'function',
                function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
              },
            ],
          }),
        );
      } else if (typeof part.text === 'string' && part.text !== '') {
        out.push(choice(index, part.thought === true ? { reasoning_content: part.text } : { content: part.text }));
      }
    }
    const finishReason = mapGeminiFinishReason(candidate.finishReason, state.toolCalls > 0);
    if (finishReason) {
      state.finished = true;
      out.push(choice(index, {}, finishReason));
    }
    return out;
  }
}

function choice(index: number, delta: ChunkChoice['delta'], finishReason: FinishReason | null = null): ChunkChoice {
  return { index, delta, logprobs: null, finish_reason: finishReason };
}

function streamError(provider: string, code: string, what: string): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code,
    message: `Provider '${provider}' ${what}.`,
    provider,
    isRetryable: true,
  });
}
