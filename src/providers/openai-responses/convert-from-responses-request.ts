import type { ChatMessage, ChatRequest, FunctionTool, ResponseFormat, ToolChoice } from '../../canonical/index.ts';
import { parseChatRequest } from '../../canonical/index.ts';
import { convertResponsesInput } from './internal/convert-responses-input.ts';
import { invalidResponsesField, isRecord } from './internal/invalid-responses-field.ts';

/** A feature only OpenAI's own Responses API can serve, with the field that asked for it. */
export type NativeOnlyFeature = { param: string; message: string };

/**
 * What in a Responses body needs OpenAI itself (stored state, hosted tools, prompt templates, background runs):
 * the route forwards such a request natively, or answers 400 with this `param` and message when no upstream of
 * the model speaks the Responses API.
 */
export function findNativeOnlyFeature(body: Record<string, unknown>): NativeOnlyFeature | undefined {
  if (body.previous_response_id != null) {
    return {
      param: 'previous_response_id',
      message:
        "This gateway does not store responses, so 'previous_response_id' cannot be resolved for this model. Send the whole conversation in 'input' instead (output items can be passed back as input items).",
    };
  }
  if (body.conversation != null) {
    return { param: 'conversation', message: "This gateway does not store conversations; send the turns in 'input'." };
  }
  if (body.prompt != null) {
    return {
      param: 'prompt',
      message: "Prompt templates ('prompt') live in OpenAI's dashboard; send 'input' instead.",
    };
  }
  if (body.background === true) {
    return { param: 'background', message: "Background responses need stored state; send 'background: false'." };
  }
  if (Array.isArray(body.tools)) {
    const index = body.tools.findIndex((tool) => !isRecord(tool) || tool.type !== 'function');
    if (index >= 0) {
      const type = isRecord(body.tools[index]) ? String(body.tools[index].type) : 'unknown';
      return {
        param: `tools[${index}]`,
        message: `The built-in tool '${type}' runs inside OpenAI's Responses API; this model is not served by an OpenAI upstream, so only tools of type 'function' can be used.`,
      };
    }
  }
  if (Array.isArray(body.input)) {
    const index = body.input.findIndex((item) => isRecord(item) && item.type === 'item_reference');
    if (index >= 0) {
      return {
        param: `input[${index}]`,
        message: 'This gateway does not store items, so item_reference cannot be resolved; send the item itself.',
      };
    }
  }
  return undefined;
}

/**
 * A Responses request body → the canonical Chat request (wire-formats §2.1):
 * `instructions` → a leading system message; `input` items → messages; flat function tools → nested ones;
 * `tool_choice {type:"function", name}` → `{type:"function", function:{name}}`; `max_output_tokens` →
 * `max_completion_tokens`; `text.format` → `response_format`; `reasoning.effort` → `reasoning_effort`.
 * `metadata`, `store`, `include`, `truncation`, `reasoning.summary` and `text.verbosity` are not sent upstream
 * (the gateway stores nothing; `metadata` is echoed on the response). Call `findNativeOnlyFeature` first.
 */
export function convertFromResponsesRequest(body: Record<string, unknown>): ChatRequest {
  if (typeof body.model !== 'string' || body.model === '') {
    throw invalidResponsesField('model', "'model' is required.", 'missing_required_parameter');
  }
  const messages: ChatMessage[] = [];
  if (body.instructions != null) {
    if (typeof body.instructions !== 'string') {
      throw invalidResponsesField('instructions', "'instructions' must be a string.");
    }
    messages.push({ role: 'system', content: body.instructions });
  }
  if (body.input === undefined)
    throw invalidResponsesField('input', "'input' is required.", 'missing_required_parameter');
  messages.push(...convertResponsesInput(body.input));
  if (messages.length === 0) throw invalidResponsesField('input', "'input' must hold at least one item.");

  const request: ChatRequest = { model: body.model, messages };
  if (body.stream === true) request.stream = true;
  copyNumber(body, 'max_output_tokens', request, 'max_completion_tokens');
  copyNumber(body, 'temperature', request, 'temperature');
  copyNumber(body, 'top_p', request, 'top_p');
  if (typeof body.parallel_tool_calls === 'boolean') request.parallel_tool_calls = body.parallel_tool_calls;
  if (typeof body.user === 'string') request.user = body.user;
  const tools = convertTools(body.tools);
  if (tools) request.tools = tools;
  const toolChoice = convertToolChoice(body.tool_choice);
  if (toolChoice) request.tool_choice = toolChoice;
  const format = convertTextFormat(body.text);
  if (format) request.response_format = format;
  if (body.reasoning != null) {
    if (!isRecord(body.reasoning)) throw invalidResponsesField('reasoning', "'reasoning' must be an object.");
    if (typeof body.reasoning.effort === 'string') request.reasoning_effort = body.reasoning.effort;
  }
  // The canonical schema is the last check (the fields it names are the Chat ones, mapped above).
  return parseChatRequest(request);
}

function copyNumber(from: Record<string, unknown>, field: string, to: ChatRequest, target: string): void {
  const value = from[field];
  if (value == null) return;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidResponsesField(field, `'${field}' must be a number.`);
  }
  to[target] = value;
}

function convertTools(tools: unknown): FunctionTool[] | undefined {
  if (tools == null) return undefined;
  if (!Array.isArray(tools)) throw invalidResponsesField('tools', "'tools' must be an array.");
  if (tools.length === 0) return undefined;
  return tools.map((tool, index) => {
    const param = `tools[${index}]`;
    if (!isRecord(tool) || tool.type !== 'function' || typeof tool.name !== 'string') {
      throw invalidResponsesField(param, `'${param}' must be a function tool with a name.`);
    }
    const definition: FunctionTool['function'] = { name: tool.name };
    if (typeof tool.description === 'string') definition.description = tool.description;
    if (isRecord(tool.parameters)) definition.parameters = tool.parameters;
    if (typeof tool.strict === 'boolean') definition.strict = tool.strict;
    return { type: 'function', function: definition };
  });
}

function convertToolChoice(choice: unknown): ToolChoice | undefined {
  if (choice == null) return undefined;
  if (choice === 'none' || choice === 'auto' || choice === 'required') return choice;
  if (isRecord(choice) && choice.type === 'function' && typeof choice.name === 'string') {
    return { type: 'function', function: { name: choice.name } };
  }
  throw invalidResponsesField(
    'tool_choice',
    "'tool_choice' must be none, auto, required or {type: 'function', name}; other choices need OpenAI's Responses API.",
    'unsupported_value',
  );
}

function convertTextFormat(text: unknown): ResponseFormat | undefined {
  if (text == null) return undefined;
  if (!isRecord(text)) throw invalidResponsesField('text', "'text' must be an object.");
  const format = text.format;
  if (format == null) return undefined;
  if (!isRecord(format)) throw invalidResponsesField('text.format', "'text.format' must be an object.");
  if (format.type === 'text') return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') {
    if (typeof format.name !== 'string' || !isRecord(format.schema)) {
      throw invalidResponsesField('text.format', "A json_schema format needs a 'name' and a 'schema' object.");
    }
    const schema: Extract<ResponseFormat, { type: 'json_schema' }>['json_schema'] = {
      name: format.name,
      schema: format.schema,
    };
    if (typeof format.strict === 'boolean') schema.strict = format.strict;
    if (typeof format.description === 'string') schema.description = format.description;
    return { type: 'json_schema', json_schema: schema };
  }
  throw invalidResponsesField('text.format.type', "'text.format.type' must be text, json_object or json_schema.");
}
