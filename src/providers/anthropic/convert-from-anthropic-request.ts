import type { ChatRequest, FunctionTool, ToolChoice } from '../../canonical/index.ts';
import {
  convertFromAnthropicMessages,
  convertFromAnthropicSystem,
} from './internal/convert-from-anthropic-messages.ts';
import { invalidAnthropicField, isRecord } from './internal/invalid-anthropic-field.ts';

export type AnthropicInboundOptions = {
  /** `max_tokens` is required by `POST /v1/messages` but not by `count_tokens`. */
  requireMaxTokens?: boolean;
};

/** `output_config.effort` → `reasoning_effort` (`max` has no OpenAI counterpart; `high` is the nearest). */
const EFFORTS: Readonly<Record<string, string>> = { low: 'low', medium: 'medium', high: 'high', max: 'high' };

/**
 * An inbound Anthropic Messages request (wire-formats §4.2) → the canonical (OpenAI Chat) request, validated with
 * 400s that name the field. Mapping: `system` → a system message; `max_tokens` → `max_tokens`; `temperature`,
 * `top_p` as is; `stop_sequences` → `stop`; `metadata.user_id` → `user`; `tools[].input_schema` → `parameters`;
 * `tool_choice` auto/any/tool/none → auto/required/named/none with `disable_parallel_tool_use` →
 * `parallel_tool_calls: false`; `thinking.budget_tokens` → a `reasoning_effort` bucket (`thinkingEffort`);
 * `output_config.format` (json_schema) → `response_format`. Dropped, with no Chat counterpart: `top_k`,
 * `cache_control`, `service_tier`, `container`, `mcp_servers`, `context_management` and unknown fields.
 * Server tools (web search, code execution…) only work through the native pass-through and are refused here.
 */
export function convertFromAnthropicRequest(body: unknown, options: AnthropicInboundOptions = {}): ChatRequest {
  if (!isRecord(body)) throw invalidAnthropicField('body', 'must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') throw invalidAnthropicField('model', 'is required');
  const request: ChatRequest = {
    model: body.model,
    messages: [...convertFromAnthropicSystem(body.system), ...convertFromAnthropicMessages(body.messages)],
  };
  if (body.max_tokens !== undefined || options.requireMaxTokens !== false) {
    if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) {
      throw invalidAnthropicField('max_tokens', 'is required and must be a positive integer');
    }
    request.max_tokens = body.max_tokens as number;
  }
  if (body.temperature !== undefined) request.temperature = unitNumber(body.temperature, 'temperature');
  if (body.top_p !== undefined) request.top_p = unitNumber(body.top_p, 'top_p');
  // top_k has no OpenAI or Gemini-via-canonical counterpart; it is checked, then dropped.
  if (body.top_k !== undefined && (!Number.isInteger(body.top_k) || (body.top_k as number) < 0)) {
    throw invalidAnthropicField('top_k', 'must be a non-negative integer');
  }
  if (body.stop_sequences !== undefined) {
    if (!Array.isArray(body.stop_sequences) || body.stop_sequences.some((stop) => typeof stop !== 'string')) {
      throw invalidAnthropicField('stop_sequences', 'must be an array of strings');
    }
    if (body.stop_sequences.length > 0) request.stop = body.stop_sequences as string[];
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') {
    throw invalidAnthropicField('stream', 'must be a boolean');
  }
  if (body.stream === true) {
    request.stream = true;
    request.stream_options = { include_usage: true };
  }
  if (body.metadata !== undefined) {
    if (!isRecord(body.metadata)) throw invalidAnthropicField('metadata', 'must be an object');
    const userId = body.metadata.user_id;
    if (userId !== undefined && userId !== null && typeof userId !== 'string') {
      throw invalidAnthropicField('metadata.user_id', 'must be a string');
    }
    if (typeof userId === 'string' && userId !== '') request.user = userId;
  }
  if (body.tools !== undefined) {
    const tools = convertTools(body.tools);
    if (tools.length > 0) request.tools = tools;
  }
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    const choice = convertToolChoice(body.tool_choice);
    // OpenAI refuses tool_choice without tools; without tools there is nothing to choose.
    if (request.tools) Object.assign(request, choice);
  }
  const effort = thinkingEffort(body.thinking, body.output_config);
  if (effort !== undefined) request.reasoning_effort = effort;
  const format = responseFormat(body.output_config);
  if (format) request.response_format = format;
  return request;
}

/**
 * `thinking` → `reasoning_effort`: a budget under 4096 tokens is `low`, under 16384 `medium`, anything larger
 * `high` (Anthropic's minimum budget is 1024, https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking).
 * `disabled` and `adaptive` leave the upstream's default; `output_config.effort` wins when both are given.
 */
export function thinkingEffort(thinking: unknown, outputConfig: unknown): string | undefined {
  let effort: string | undefined;
  if (thinking !== undefined && thinking !== null) {
    if (!isRecord(thinking)) throw invalidAnthropicField('thinking', 'must be an object');
    if (thinking.type === 'enabled') {
      const budget = thinking.budget_tokens;
      if (!Number.isInteger(budget) || (budget as number) < 1024) {
        throw invalidAnthropicField('thinking.budget_tokens', 'must be an integer of at least 1024');
      }
      effort = (budget as number) < 4096 ? 'low' : (budget as number) < 16384 ? 'medium' : 'high';
    } else if (thinking.type !== 'disabled' && thinking.type !== 'adaptive') {
      throw invalidAnthropicField('thinking.type', 'must be "enabled", "disabled" or "adaptive"');
    }
  }
  if (isRecord(outputConfig) && outputConfig.effort !== undefined) {
    const mapped = typeof outputConfig.effort === 'string' ? EFFORTS[outputConfig.effort] : undefined;
    if (!mapped) throw invalidAnthropicField('output_config.effort', 'must be low, medium, high or max');
    effort = mapped;
  }
  return effort;
}

function responseFormat(outputConfig: unknown): ChatRequest['response_format'] | undefined {
  if (outputConfig === undefined || outputConfig === null) return undefined;
  if (!isRecord(outputConfig)) throw invalidAnthropicField('output_config', 'must be an object');
  const format = outputConfig.format;
  if (format === undefined || format === null) return undefined;
  if (!isRecord(format) || format.type !== 'json_schema' || !isRecord(format.schema)) {
    throw invalidAnthropicField('output_config.format', 'must be {"type":"json_schema","schema":{…}}');
  }
  return { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };
}

function convertTools(tools: unknown): FunctionTool[] {
  if (!Array.isArray(tools)) throw invalidAnthropicField('tools', 'must be an array');
  return tools.map((tool, index) => {
    const path = `tools.${index}`;
    if (!isRecord(tool)) throw invalidAnthropicField(path, 'must be a tool object');
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      throw invalidAnthropicField(
        `${path}.type`,
        `server tool '${String(tool.type)}' is only available when the model's upstream is Anthropic`,
      );
    }
    if (typeof tool.name !== 'string' || tool.name === '') throw invalidAnthropicField(`${path}.name`, 'is required');
    if (!isRecord(tool.input_schema)) {
      throw invalidAnthropicField(`${path}.input_schema`, 'is required and must be a JSON Schema object');
    }
    const converted: FunctionTool = {
      type: 'function',
      function: { name: tool.name, parameters: tool.input_schema },
    };
    if (typeof tool.description === 'string' && tool.description !== '') {
      converted.function.description = tool.description;
    }
    if (typeof tool.strict === 'boolean') converted.function.strict = tool.strict;
    return converted;
  });
}

function convertToolChoice(choice: unknown): { tool_choice: ToolChoice; parallel_tool_calls?: false } {
  if (!isRecord(choice)) throw invalidAnthropicField('tool_choice', 'must be an object');
  const parallel = choice.disable_parallel_tool_use === true ? { parallel_tool_calls: false as const } : {};
  switch (choice.type) {
    case 'auto':
      return { tool_choice: 'auto', ...parallel };
    case 'any':
      return { tool_choice: 'required', ...parallel };
    case 'none':
      return { tool_choice: 'none' };
    case 'tool':
      if (typeof choice.name !== 'string' || choice.name === '') {
        throw invalidAnthropicField('tool_choice.name', 'is required when type is "tool"');
      }
      return { tool_choice: { type: 'function', function: { name: choice.name } }, ...parallel };
    default:
      throw invalidAnthropicField('tool_choice.type', 'must be "auto", "any", "tool" or "none"');
  }
}

function unitNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw invalidAnthropicField(field, 'must be a number from 0 to 1');
  }
  return value;
}
