/**
 * The canonical request: OpenAI Chat Completions. Every inbound format is converted to this shape and every
 * provider adapter converts from it. Fields the gateway does not know are kept (`[key: string]: unknown`) so a
 * request to an OpenAI-format upstream loses nothing.
 */

export type TextPart = { type: 'text'; text: string; [key: string]: unknown };
export type ImageUrlPart = {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
  [key: string]: unknown;
};
export type InputAudioPart = {
  type: 'input_audio';
  input_audio: { data: string; format: string };
  [key: string]: unknown;
};
export type FilePart = {
  type: 'file';
  file: { file_id?: string; file_data?: string; filename?: string };
  [key: string]: unknown;
};
export type RefusalPart = { type: 'refusal'; refusal: string };
export type ContentPart = TextPart | ImageUrlPart | InputAudioPart | FilePart;

export type ToolCall = {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  [key: string]: unknown;
};

export type SystemMessage = {
  role: 'system' | 'developer';
  content: string | TextPart[];
  name?: string;
  [key: string]: unknown;
};
export type UserMessage = { role: 'user'; content: string | ContentPart[]; name?: string; [key: string]: unknown };
export type AssistantMessage = {
  role: 'assistant';
  content?: string | Array<TextPart | RefusalPart> | null;
  refusal?: string | null;
  tool_calls?: ToolCall[];
  /** De-facto field of OpenAI-compatible servers (DeepSeek, vLLM) for reasoning text. */
  reasoning_content?: string | null;
  name?: string;
  [key: string]: unknown;
};
export type ToolMessage = { role: 'tool'; tool_call_id: string; content: string | TextPart[]; [key: string]: unknown };
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export type FunctionTool = {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
};
export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean | null; description?: string };
    };

export type ChatRequest = {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean; [key: string]: unknown } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  user?: string;
  reasoning_effort?: string | null;
  response_format?: ResponseFormat;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  [key: string]: unknown;
};
