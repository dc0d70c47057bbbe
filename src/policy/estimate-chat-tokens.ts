import type { ChatRequest } from '../canonical/index.ts';
import { estimateTokens } from '../telemetry/estimate-tokens.ts';

/** Output tokens a request may produce: its own limit, else the configured default, times `n`. */
export function outputAllowance(request: ChatRequest, defaultMaxTokens: number): number {
  const limit = request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens;
  return limit * Math.max(1, request.n ?? 1);
}

/** Estimates already made, by request: the limits, the budgets and the routing all ask for the same one. */
const estimates = new WeakMap<ChatRequest, number>();

/**
 * Prompt tokens, estimated before the call at about four characters per token (messages and tool definitions).
 * Serialising a long conversation costs real time, so each request is measured once: a request is not changed after
 * it is parsed.
 */
export function estimatePromptTokens(request: ChatRequest): number {
  let estimate = estimates.get(request);
  if (estimate === undefined) {
    const tools = request.tools ? JSON.stringify(request.tools).length : 0;
    estimate = estimateTokens(JSON.stringify(request.messages).length + tools);
    estimates.set(request, estimate);
  }
  return estimate;
}

/** What a request is reserved for before the call: the prompt estimate plus the output allowance. */
export function estimateChatTokens(request: ChatRequest, defaultMaxTokens: number): number {
  return estimatePromptTokens(request) + outputAllowance(request, defaultMaxTokens);
}
