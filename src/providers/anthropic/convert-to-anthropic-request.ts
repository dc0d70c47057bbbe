import type { ChatRequest } from '../../canonical/index.ts';
import type { AnthropicRequest } from './internal/anthropic-wire-types.ts';
import { convertAnthropicMessages } from './internal/convert-anthropic-messages.ts';
import { convertAnthropicToolChoice, convertAnthropicTools } from './internal/convert-anthropic-tools.ts';
import { invalidRequest } from './internal/invalid-request.ts';
import { planAnthropicResponseFormat } from './internal/plan-anthropic-response-format.ts';

/**
 * `max_tokens` when the client sends none. Anthropic requires the field; 4096 is within every current Claude
 * model's output limit and long enough for ordinary answers.
 */
export const DEFAULT_MAX_TOKENS = 4096;

/**
 * `reasoning_effort` → `thinking.budget_tokens`. Anthropic's minimum budget is 1024
 * (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking); the others grow by roughly four times.
 * `none` turns thinking off.
 */
export const THINKING_BUDGETS: Readonly<Record<string, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32768,
};

export type AnthropicRequestPlan = {
  body: AnthropicRequest;
  /** The tool standing in for a `json_schema` response format; its call is the answer, not a tool call. */
  answerToolName?: string;
};

/**
 * Canonical (OpenAI Chat) request → Anthropic Messages request body. Fields are picked one by one: OpenAI-only
 * fields (`logprobs`, `top_logprobs`, `logit_bias`, `seed`, `frequency_penalty`, `presence_penalty`, `stream_options`,
 * `service_tier`, `store`, `metadata`, `prediction`, `audio`, `modalities`, `web_search_options`, `prompt_cache_key`,
 * `verbosity`, unknown fields)
 * are dropped deliberately. Throws a 400 `GatewayError` for what Anthropic cannot do (`n` > 1, bad images, invalid
 * tool-call arguments). See docs/providers/anthropic.md.
 */
export function convertToAnthropicRequest(request: ChatRequest): AnthropicRequestPlan {
  if (typeof request.n === 'number' && request.n > 1) {
    throw invalidRequest('Anthropic models return one choice per request; n must be 1.', 'n');
  }
  const { system, messages } = convertAnthropicMessages(request.messages);
  const budget = thinkingBudget(request.reasoning_effort);
  const requestedMaxTokens = request.max_completion_tokens ?? request.max_tokens ?? DEFAULT_MAX_TOKENS;
  const body: AnthropicRequest = {
    model: request.model,
    // Thinking counts toward max_tokens and the budget must stay below it; a cap too small to hold the budget gets
    // the budget added, so the visible answer keeps the room the client asked for.
    max_tokens: budget !== undefined && requestedMaxTokens <= budget ? requestedMaxTokens + budget : requestedMaxTokens,
    messages,
  };
  if (budget !== undefined) {
    body.thinking = { type: 'enabled', budget_tokens: budget };
  } else {
    // Extended thinking rejects a changed temperature and a low top_p, so both are only sent without it.
    if (typeof request.temperature === 'number') body.temperature = Math.min(1, Math.max(0, request.temperature));
    if (typeof request.top_p === 'number') body.top_p = request.top_p;
  }
  const stop = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? []);
  if (stop.length > 0) body.stop_sequences = stop;
  const userId = request.user ?? request.safety_identifier;
  if (typeof userId === 'string' && userId !== '') body.metadata = { user_id: userId };

  const clientTools = request.tools?.length ? convertAnthropicTools(request.tools) : [];
  const toolChoice = convertAnthropicToolChoice(request.tool_choice, request.parallel_tool_calls);
  const format = planAnthropicResponseFormat(request.response_format, {
    hasClientTools: clientTools.length > 0,
    thinking: budget !== undefined,
  });
  const tools = format.answerTool ? [...clientTools, format.answerTool] : clientTools;
  if (tools.length > 0) body.tools = tools;
  if (format.answerTool && format.forceAnswerTool) body.tool_choice = { type: 'tool', name: format.answerTool.name };
  else if (toolChoice) body.tool_choice = toolChoice;

  if (format.systemText) system.push({ type: 'text', text: format.systemText });
  if (system.length > 0) body.system = system;
  if (request.stream) body.stream = true;
  return format.answerTool ? { body, answerToolName: format.answerTool.name } : { body };
}

function thinkingBudget(effort: unknown): number | undefined {
  if (effort === undefined || effort === null || effort === 'none') return undefined;
  const budget = typeof effort === 'string' ? THINKING_BUDGETS[effort] : undefined;
  if (budget === undefined) {
    throw invalidRequest(
      `reasoning_effort must be one of none, ${Object.keys(THINKING_BUDGETS).join(', ')}.`,
      'reasoning_effort',
    );
  }
  return budget;
}
