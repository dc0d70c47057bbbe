import type { ChatCompletion, ChatCompletionChunk, ChunkChoice } from './chat-response.ts';

/**
 * A whole completion as the chunks a stream of it would have been: one chunk with each choice's whole message as its
 * delta (role, content, refusal, reasoning, tool calls with their `index`), one with each choice's finish reason,
 * then the usage chunk (`choices: []`) when the completion has usage. For an upstream that answers a stream request
 * with a whole answer, so the client still gets the stream it asked for.
 */
export function completionToChunks(completion: ChatCompletion): ChatCompletionChunk[] {
  const envelope = {
    id: completion.id,
    object: 'chat.completion.chunk' as const,
    created: completion.created,
    model: completion.model,
    ...(completion.system_fingerprint !== undefined ? { system_fingerprint: completion.system_fingerprint } : {}),
  };
  const content: ChunkChoice[] = completion.choices.map((choice) => {
    const { role, content: text, refusal, reasoning_content, tool_calls } = choice.message;
    const delta: ChunkChoice['delta'] = { role };
    if (reasoning_content) delta.reasoning_content = reasoning_content;
    if (text !== null) delta.content = text;
    if (refusal) delta.refusal = refusal;
    if (tool_calls && tool_calls.length > 0) {
      delta.tool_calls = tool_calls.map((call, index) => ({
        index,
        id: call.id,
        type: 'function' as const,
        function: { name: call.function.name, arguments: call.function.arguments },
      }));
    }
    return { index: choice.index, delta, logprobs: null, finish_reason: null };
  });
  const finish: ChunkChoice[] = completion.choices.map((choice) => ({
    index: choice.index,
    delta: {},
    logprobs: null,
    finish_reason: choice.finish_reason,
  }));
  const chunks: ChatCompletionChunk[] = [
    { ...envelope, choices: content },
    { ...envelope, choices: finish },
  ];
  if (completion.usage) chunks.push({ ...envelope, choices: [], usage: completion.usage });
  return chunks;
}
