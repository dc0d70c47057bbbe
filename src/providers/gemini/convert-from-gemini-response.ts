import type { ChatChoice, ChatCompletion, ToolCall } from '../../canonical/index.ts';
import { invalidUpstreamResponse } from '../invalid-upstream-response.ts';
import { convertGeminiUsage } from './internal/convert-gemini-usage.ts';
import type { GeminiCandidate, GeminiResponse } from './internal/gemini-wire-types.ts';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.ts';

export type GeminiResponseDefaults = {
  id: string;
  created: number;
  /** The requested model; `modelVersion` wins when Gemini sends it. */
  model: string;
  provider: string;
  generateId: (prefix: string) => string;
};

/**
 * A `GenerateContentResponse` → canonical completion (wire-formats §5.3). Candidates become choices by their
 * `index`; thought parts become `reasoning_content`, `functionCall` parts become `tool_calls` with generated ids
 * (Gemini's calls have none). Thought signatures, code-execution parts and generated media have no Chat field and
 * are dropped. A prompt blocked before any candidate is a `content_filter` choice with empty content.
 */
export function convertFromGeminiResponse(body: unknown, defaults: GeminiResponseDefaults): ChatCompletion {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidUpstreamResponse(defaults.provider, 'a response that is not an object');
  }
  const response = body as GeminiResponse;
  const candidates = response.candidates ?? [];
  const choices: ChatChoice[] =
    candidates.length === 0 && response.promptFeedback?.blockReason
      ? [{ index: 0, message: { role: 'assistant', content: '' }, logprobs: null, finish_reason: 'content_filter' }]
      : candidates.map((candidate, position) => toChoice(candidate, position, defaults.generateId));
  choices.sort((left, right) => left.index - right.index);

  const completion: ChatCompletion = {
    id: defaults.id,
    object: 'chat.completion',
    created: defaults.created,
    model: response.modelVersion || defaults.model,
    choices,
  };
  if (response.usageMetadata) completion.usage = convertGeminiUsage(response.usageMetadata);
  return completion;
}

function toChoice(candidate: GeminiCandidate, position: number, generateId: (prefix: string) => string): ChatChoice {
  let content = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) {
      toolCalls.push({
        id: generateId('call_'),
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    } else if (typeof part.text === 'string') {
      if (part.thought === true) reasoning += part.text;
      else content += part.text;
    }
  }
  const message: ChatChoice['message'] = {
    role: 'assistant',
    content: content === '' && toolCalls.length > 0 ? null : content,
  };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    index: candidate.index ?? position,
    message,
    logprobs: null,
    // A non-stream answer is whole even when Gemini leaves the reason out.
    finish_reason:
      mapGeminiFinishReason(candidate.finishReason, toolCalls.length > 0) ??
      (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
  };
}
