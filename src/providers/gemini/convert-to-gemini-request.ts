import type { ChatRequest, ToolChoice } from '../../canonical/index.ts';
import { GatewayError } from '../../canonical/index.ts';
import { convertToGeminiSchema } from './convert-to-gemini-schema.ts';
import { convertToGeminiContents } from './internal/convert-to-gemini-contents.ts';
import type { GeminiGenerationConfig, GeminiRequest } from './internal/gemini-wire-types.ts';

/**
 * `reasoning_effort` → `thinkingBudget` tokens (https://ai.google.dev/gemini-api/docs/thinking). The values stay
 * inside every 2.5 model's range (Flash 0–24576, Pro 128–32768, Flash-Lite 512–24576) so one table fits all;
 * `none` turns thinking off, which Pro models refuse.
 */
export const THINKING_BUDGETS: Record<string, number> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
};

/**
 * Models that predate thought-signature validation; every other model gets the skip signature on replayed calls.
 * Keyed on the name because the Gemini API offers no capability flag for it.
 */
const MODELS_WITHOUT_SIGNATURE_CHECK = /^(?:models\/)?(?:gemini-(?:1|2)[.-]|gemma|learnlm)/;

/**
 * Canonical request → Gemini `generateContent` body (wire-formats §5.2, §8.6). Pure: the same body serves
 * `streamGenerateContent`, which differs only in the URL. Fields Gemini has no place for (`user`, `logprobs`,
 * `logit_bias`, `parallel_tool_calls`, `stream_options`, …) are dropped; see docs/providers/gemini.md.
 */
export function convertToGeminiRequest(request: ChatRequest): GeminiRequest {
  const { systemParts, contents } = convertToGeminiContents(
    request.messages,
    !MODELS_WITHOUT_SIGNATURE_CHECK.test(request.model),
  );
  const body: GeminiRequest = { contents };
  if (systemParts.length > 0) body.systemInstruction = { parts: systemParts };

  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = [
      {
        functionDeclarations: tools.map((tool) => {
          const parameters = convertToGeminiSchema(tool.function.parameters);
          return {
            name: tool.function.name,
            ...(tool.function.description ? { description: tool.function.description } : {}),
            ...(parameters ? { parameters } : {}),
          };
        }),
      },
    ];
    if (request.tool_choice !== undefined)
      body.toolConfig = { functionCallingConfig: toFunctionCalling(request.tool_choice) };
  }

  const generationConfig = toGenerationConfig(request);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

function toFunctionCalling(choice: ToolChoice): NonNullable<GeminiRequest['toolConfig']>['functionCallingConfig'] {
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'required') return { mode: 'ANY' };
  if (typeof choice === 'object' && choice.type === 'function') {
    return { mode: 'ANY', allowedFunctionNames: [choice.function.name] };
  }
  return { mode: 'AUTO' };
}

function toGenerationConfig(request: ChatRequest): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  if (request.stop != null) {
    const stops = typeof request.stop === 'string' ? [request.stop] : request.stop;
    if (stops.length > 0) config.stopSequences = stops;
  }
  if (request.seed != null) config.seed = request.seed;
  if (request.presence_penalty != null) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) config.frequencyPenalty = request.frequency_penalty;
  if (request.n != null) config.candidateCount = request.n;

  const format = request.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    const schema = convertToGeminiSchema(format.json_schema.schema);
    if (schema) config.responseSchema = schema;
  }

  if (request.reasoning_effort != null) {
    const budget = THINKING_BUDGETS[request.reasoning_effort];
    if (budget === undefined) {
      throw new GatewayError({
        status: 400,
        type: 'invalid_request_error',
        code: 'invalid_value',
        param: 'reasoning_effort',
        message: `reasoning_effort '${request.reasoning_effort}' is not supported for Gemini providers; use one of ${Object.keys(THINKING_BUDGETS).join(', ')}.`,
      });
    }
    config.thinkingConfig = budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
  }
  return config;
}
