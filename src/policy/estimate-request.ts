import { type EmbeddingsRequest, textInputs } from '../canonical/embeddings-request.ts';
import type { ChatRequest } from '../canonical/index.ts';
import { estimateAnthropicInputTokens } from '../providers/anthropic/estimate-anthropic-input-tokens.ts';
import { estimateTokens } from '../telemetry/estimate-tokens.ts';
import { estimatePromptTokens, outputAllowance } from './estimate-chat-tokens.ts';
import type { RequestEstimate } from './policy.ts';

/**
 * What each kind of request reserves before the call, by the rules of `estimate-chat-tokens.ts`: prompt characters
 * / 4, plus the request's own output limit, else `defaultMaxTokens`.
 */

/** A canonical chat request (`/v1/chat/completions`, translated `/v1/messages` and `/v1/responses`). */
export function estimateChatRequest(request: ChatRequest, defaultMaxTokens: number): RequestEstimate {
  return {
    model: request.model,
    promptTokens: estimatePromptTokens(request),
    outputTokens: outputAllowance(request, defaultMaxTokens),
  };
}

/** An Anthropic Messages body: `system`, `messages` and `tools`; output `max_tokens`. */
export function estimateAnthropicRequest(body: Record<string, unknown>, defaultMaxTokens: number): RequestEstimate {
  return {
    model: String(body.model),
    promptTokens: estimateAnthropicInputTokens(body),
    outputTokens: positiveNumber(body.max_tokens) ?? defaultMaxTokens,
  };
}

/**
 * An Anthropic `count_tokens` body: it generates nothing and costs nothing, so it reserves nothing but the request
 * itself (and a concurrency slot).
 */
export function estimateCountTokensRequest(body: Record<string, unknown>): RequestEstimate {
  return { model: String(body.model), promptTokens: 0, outputTokens: 0 };
}

/**
 * An OpenAI Responses body: `instructions`, `input` and `tools`; output `max_output_tokens`. Context a stored
 * conversation adds upstream (`previous_response_id`) is unknown here: the settlement counts it.
 */
export function estimateResponsesRequest(body: Record<string, unknown>, defaultMaxTokens: number): RequestEstimate {
  const parts = [body.instructions, body.input, body.tools].filter((part) => part !== undefined && part !== null);
  const characters = parts.reduce<number>(
    (total, part) => total + (typeof part === 'string' ? part.length : JSON.stringify(part).length),
    0,
  );
  return {
    model: String(body.model),
    promptTokens: estimateTokens(characters),
    outputTokens: positiveNumber(body.max_output_tokens) ?? defaultMaxTokens,
  };
}

/** An embeddings request: its input only (texts at four characters a token, token ids as they are); no output. */
export function estimateEmbeddingsRequest(request: EmbeddingsRequest): RequestEstimate {
  const texts = textInputs(request.input);
  const promptTokens = texts
    ? estimateTokens(texts.reduce((total, text) => total + text.length, 0))
    : (request.input as number[] | number[][]).reduce<number>(
        (total, item) => total + (Array.isArray(item) ? item.length : 1),
        0,
      );
  return { model: request.model, promptTokens, outputTokens: 0 };
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
