import type { FunctionTool, ToolChoice } from '../../../canonical/index.ts';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-wire-types.ts';
import { invalidRequest } from './invalid-request.ts';

/** OpenAI function tools → Anthropic tools (wire-formats §8.3). `strict` has no counterpart here and is dropped. */
export function convertAnthropicTools(tools: FunctionTool[]): AnthropicTool[] {
  return tools.map((tool, index) => {
    if (tool.type !== 'function' || !tool.function?.name) {
      throw invalidRequest('Only function tools with a name are supported by Anthropic models.', `tools[${index}]`);
    }
    const converted: AnthropicTool = {
      name: tool.function.name,
      // Anthropic requires an object schema; a tool without parameters takes no arguments.
      input_schema: tool.function.parameters ?? { type: 'object', properties: {} },
    };
    if (tool.function.description) converted.description = tool.function.description;
    return converted;
  });
}

/**
 * OpenAI `tool_choice` (+ `parallel_tool_calls: false`) → Anthropic `tool_choice`: auto → auto, none → none,
 * required → any, a named function → tool. Undefined when neither is set, leaving Anthropic's default (auto).
 */
export function convertAnthropicToolChoice(
  choice: ToolChoice | undefined,
  parallelToolCalls: boolean | undefined,
): AnthropicToolChoice | undefined {
  const disableParallel = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallelToolCalls === false ? { type: 'auto', ...disableParallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...disableParallel };
  if (choice === 'required') return { type: 'any', ...disableParallel };
  if (typeof choice === 'object' && choice.type === 'function' && choice.function?.name) {
    return { type: 'tool', name: choice.function.name, ...disableParallel };
  }
  throw invalidRequest('tool_choice must be none, auto, required or a named function.', 'tool_choice');
}
