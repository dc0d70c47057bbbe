import type { ChatCompletion, Usage } from '../../canonical/index.ts';
import type { ResponsesEcho } from './internal/responses-echo.ts';
import type {
  FunctionCallItem,
  IncompleteDetails,
  MessageContentPart,
  OutputItem,
  ResponseStatus,
  ResponsesResponse,
  ResponsesUsage,
} from './internal/responses-wire-types.ts';
import { mapResponsesStatus } from './map-responses-status.ts';

export type ResponsesResponseContext = {
  /** `resp_…`, made by the caller. */
  id: string;
  /** Seconds since the epoch. */
  createdAt: number;
  /** The request settings repeated on the response. */
  echo: ResponsesEcho;
  /** Item ids (`msg_`, `fc_`, `rs_`), injected so the converter stays pure. */
  generateId: (prefix: string) => string;
};

/**
 * A canonical completion → a Responses `response` object (wire-formats §2.2). Output items, in the order OpenAI
 * emits them: a `reasoning` item when the upstream gave reasoning text (as its summary), a `message` item with an
 * `output_text` part (and a `refusal` part when refused), then one `function_call` item per tool call, its `call_id`
 * the upstream's tool-call id. Usage is renamed (`input_tokens`, `output_tokens`, details with zero defaults).
 */
export function convertToResponsesResponse(
  completion: ChatCompletion,
  context: ResponsesResponseContext,
): ResponsesResponse {
  const choice = completion.choices[0];
  const message = choice?.message;
  const output: OutputItem[] = [];
  if (message?.reasoning_content) {
    output.push({
      type: 'reasoning',
      id: context.generateId('rs_'),
      summary: [{ type: 'summary_text', text: message.reasoning_content }],
    });
  }
  const content: MessageContentPart[] = [];
  if (typeof message?.content === 'string' && message.content !== '') {
    content.push({ type: 'output_text', text: message.content, annotations: [], logprobs: [] });
  }
  if (message?.refusal) content.push({ type: 'refusal', refusal: message.refusal });
  const calls: FunctionCallItem[] = (message?.tool_calls ?? []).map((call) => ({
    type: 'function_call',
    id: context.generateId('fc_'),
    call_id: call.id,
    name: call.function.name,
    arguments: call.function.arguments,
    status: 'completed',
  }));
  // A turn with nothing but calls has no message item; an empty answer still gets one, so `output_text` is ''.
  if (content.length > 0 || calls.length === 0) {
    if (content.length === 0) content.push({ type: 'output_text', text: '', annotations: [], logprobs: [] });
    output.push({ type: 'message', id: context.generateId('msg_'), status: 'completed', role: 'assistant', content });
  }
  output.push(...calls);
  const outcome = mapResponsesStatus(choice?.finish_reason);
  if (outcome.status === 'incomplete') {
    for (const item of output) if (item.type === 'message') item.status = 'incomplete';
  }
  return buildResponsesResponse(
    {
      id: context.id,
      createdAt: context.createdAt,
      model: completion.model,
      status: outcome.status,
      incompleteDetails: outcome.incomplete_details,
      output,
      usage: convertToResponsesUsage(completion.usage),
    },
    context.echo,
  );
}

export type ResponsesEnvelope = {
  id: string;
  createdAt: number;
  model: string;
  status: ResponseStatus;
  incompleteDetails?: IncompleteDetails | null;
  error?: { code: string; message: string } | null;
  output: OutputItem[];
  usage: ResponsesUsage | null;
};

/** The Response object around its output, shared by the JSON answer and the stream's lifecycle events. */
export function buildResponsesResponse(envelope: ResponsesEnvelope, echo: ResponsesEcho): ResponsesResponse {
  return {
    id: envelope.id,
    object: 'response',
    created_at: envelope.createdAt,
    status: envelope.status,
    background: false,
    error: envelope.error ?? null,
    incomplete_details: envelope.incompleteDetails ?? null,
    model: envelope.model,
    output: envelope.output,
    usage: envelope.usage,
    ...echo,
  };
}

/** Chat usage → Responses usage (wire-formats §8.2); absent usage stays null. */
export function convertToResponsesUsage(usage: Usage | null | undefined): ResponsesUsage | null {
  if (!usage) return null;
  const input: ResponsesUsage['input_tokens_details'] = {
    cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
  const cacheWrite = usage.prompt_tokens_details?.cache_write_tokens;
  if (cacheWrite !== undefined) input.cache_write_tokens = cacheWrite;
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: input,
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens ?? usage.prompt_tokens + usage.completion_tokens,
  };
}
