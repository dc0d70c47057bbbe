import type { ChatMessage, ChatRequest } from '../../../canonical/index.ts';
import { toMistralToolCallId } from './to-mistral-tool-call-id.ts';

/**
 * Mistral's chat endpoint speaks the OpenAI format but rejects any field it does not know with 422 `extra_forbidden`
 * (https://docs.mistral.ai/api/#tag/chat). OpenAI SDKs and the gateway itself send several such fields, so they are
 * renamed or dropped here:
 * - `max_completion_tokens` → `max_tokens`, `seed` → `random_seed`;
 * - `stream_options` dropped: Mistral puts usage on the last chunk of every stream without being asked;
 * - OpenAI-only fields with no Mistral meaning (`store`, `metadata`, `user`, `safety_identifier`, `prompt_cache_key`,
 *   `service_tier`) dropped;
 * - assistant `reasoning_content`/`refusal`/`annotations` and `name` on non-tool messages dropped;
 * - tool call ids rewritten to Mistral's 9-character form (see `toMistralToolCallId`).
 */
export function convertToMistralRequest(request: ChatRequest): Record<string, unknown> {
  const {
    max_completion_tokens,
    seed,
    stream_options,
    store,
    metadata,
    user,
    safety_identifier,
    prompt_cache_key,
    service_tier,
    ...rest
  } = request;
  const body: Record<string, unknown> = { ...rest, messages: request.messages.map(convertMessage) };
  if (body.max_tokens == null && max_completion_tokens != null) body.max_tokens = max_completion_tokens;
  if (body.random_seed == null && seed != null) body.random_seed = seed;
  return body;
}

function convertMessage(message: ChatMessage): Record<string, unknown> {
  if (message.role === 'tool') return { ...message, tool_call_id: toMistralToolCallId(message.tool_call_id) };
  const { name, ...rest } = message;
  if (message.role !== 'assistant') return rest;
  const { reasoning_content, refusal, annotations, ...assistant } = rest as Record<string, unknown>;
  if (Array.isArray(message.tool_calls)) {
    assistant.tool_calls = message.tool_calls.map((call) => ({ ...call, id: toMistralToolCallId(call.id) }));
  }
  return assistant;
}
