import type { ChatRequest } from '../canonical/index.ts';
import { estimateTokens } from '../telemetry/estimate-tokens.ts';

/** Output tokens a request may produce: its own limit, else the configured default, times `n`. */
export function outputAllowance(request: ChatRequest, defaultMaxTokens: number): number {
  const limit = request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens;
  return limit * Math.max(1, request.n ?? 1);
}

/** Prompt tokens, estimated before the call at about four characters per token (messages and tool definitions). */
export function estimatePromptTokens(request: ChatRequest): number {
  const tools = request.tools ? JSON.stringify(request.tools).length : 0;
  return estimateTokens(JSON.stringify(request.messages).length + tools);
}

/** What a request is reserved for before the call: the prompt estimate plus the output allowance. */
export function estimateChatTokens(request: ChatRequest, defaultMaxTokens: number): number {
  return estimatePromptTokens(request) + outputAllowance(request, defaultMaxTokens);
}
