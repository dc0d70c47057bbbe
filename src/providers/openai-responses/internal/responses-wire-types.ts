/**
 * The OpenAI Responses API shapes the gateway reads and writes (wire-formats §2). Only the fields a translation
 * touches are typed; everything is read defensively because the body comes from a client.
 */

export type ResponsesUsage = {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; [key: string]: unknown };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number; [key: string]: unknown };
  total_tokens: number;
};

export type OutputTextPart = { type: 'output_text'; text: string; annotations: unknown[]; logprobs: unknown[] };
export type RefusalContentPart = { type: 'refusal'; refusal: string };
export type MessageContentPart = OutputTextPart | RefusalContentPart;

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export type MessageItem = {
  type: 'message';
  id: string;
  status: ItemStatus;
  role: 'assistant';
  content: MessageContentPart[];
};

export type FunctionCallItem = {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: ItemStatus;
};

export type SummaryTextPart = { type: 'summary_text'; text: string };

export type ReasoningItem = { type: 'reasoning'; id: string; summary: SummaryTextPart[]; status?: ItemStatus };

export type OutputItem = MessageItem | FunctionCallItem | ReasoningItem;

export type ResponseStatus = 'completed' | 'failed' | 'in_progress' | 'cancelled' | 'queued' | 'incomplete';

export type IncompleteDetails = { reason: 'max_output_tokens' | 'content_filter' };

/** A Response object; the spec's required fields are always present (null where allowed). */
export type ResponsesResponse = {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: IncompleteDetails | null;
  model: string;
  output: OutputItem[];
  usage: ResponsesUsage | null;
  [key: string]: unknown;
};

/** One streaming event; `type` is also the SSE event name. */
export type ResponsesStreamEvent = { type: string; sequence_number: number; [key: string]: unknown };
