import { isRecord } from './invalid-responses-field.ts';

/**
 * The request settings a Response object repeats back (wire-formats §2.2 lists most as required, so strict clients
 * may validate them). Defaults are OpenAI's: `tool_choice: "auto"`, `parallel_tool_calls: true`, temperature and
 * top_p 1. `store` is always false: the gateway keeps no response.
 */
export type ResponsesEcho = {
  instructions: string | null;
  max_output_tokens: number | null;
  metadata: Record<string, unknown>;
  parallel_tool_calls: boolean;
  previous_response_id: null;
  reasoning: { effort: string | null; summary: string | null };
  store: false;
  temperature: number;
  text: { format: unknown };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number;
  truncation: string;
  user: string | null;
};

export function responsesEchoFrom(body: Record<string, unknown>): ResponsesEcho {
  const reasoning = isRecord(body.reasoning) ? body.reasoning : {};
  const text = isRecord(body.text) ? body.text : {};
  return {
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    metadata: isRecord(body.metadata) ? body.metadata : {},
    parallel_tool_calls: typeof body.parallel_tool_calls === 'boolean' ? body.parallel_tool_calls : true,
    previous_response_id: null,
    reasoning: {
      effort: typeof reasoning.effort === 'string' ? reasoning.effort : null,
      summary: typeof reasoning.summary === 'string' ? reasoning.summary : null,
    },
    store: false,
    temperature: typeof body.temperature === 'number' ? body.temperature : 1,
    text: { format: isRecord(text.format) ? text.format : { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: typeof body.top_p === 'number' ? body.top_p : 1,
    truncation: typeof body.truncation === 'string' ? body.truncation : 'disabled',
    user: typeof body.user === 'string' ? body.user : null,
  };
}
