import type { ResponseFormat } from '../../../canonical/index.ts';
import type { AnthropicTool } from './anthropic-wire-types.ts';

/** What `response_format` adds to an Anthropic request. */
export type ResponseFormatPlan = {
  /** A tool whose input is the answer; its `tool_use` comes back to the client as the message content. */
  answerTool?: AnthropicTool;
  /** Whether the answer tool may be forced with `tool_choice: {type:"tool"}`. */
  forceAnswerTool?: boolean;
  /** An extra system instruction. */
  systemText?: string;
};

export const JSON_OBJECT_INSTRUCTION =
  'Respond only with a single valid JSON object. Do not wrap it in Markdown and write nothing before or after it.';

/**
 * `response_format` → Anthropic (wire-formats §8.6).
 *
 * json_schema uses a tool named after the schema whose `input_schema` is the schema, rather than
 * `output_config.format`: tool input schemas work on every Claude model under `anthropic-version: 2023-06-01`, while
 * `output_config` is new and not accepted by every model or deployment (Bedrock, Vertex, older snapshots). The tool is
 * forced when nothing else needs the tool choice; with client tools or extended thinking (which only allows
 * `tool_choice: auto`, https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking) it is offered next to
 * them with an instruction to answer through it.
 *
 * json_object has no native flag, so it becomes a system instruction.
 */
export function planAnthropicResponseFormat(
  format: ResponseFormat | undefined,
  options: { hasClientTools: boolean; thinking: boolean },
): ResponseFormatPlan {
  if (!format || format.type === 'text') return {};
  if (format.type === 'json_object') return { systemText: JSON_OBJECT_INSTRUCTION };
  if (format.type !== 'json_schema') return {};
  const { name, schema, description } = format.json_schema;
  const answerTool: AnthropicTool = {
    name,
    description: description ?? 'Give the final answer by calling this tool; its input is the answer.',
    input_schema: schema ?? { type: 'object' },
  };
  if (!options.hasClientTools && !options.thinking) return { answerTool, forceAnswerTool: true };
  return {
    answerTool,
    forceAnswerTool: false,
    systemText: `When you give your final answer, give it only by calling the "${name}" tool, whose input is the answer.`,
  };
}
