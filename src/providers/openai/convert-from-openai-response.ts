import type { ChatChoice, ChatCompletion } from '../../canonical/index.ts';
import { invalidUpstreamResponse } from '../invalid-upstream-response.ts';
import { normalizeOpenAIMessage } from './internal/normalize-openai-message.ts';
import { normalizeOpenAIUsage } from './internal/normalize-openai-usage.ts';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.ts';

type Defaults = { id: string; created: number; model: string; provider: string };

/**
 * An OpenAI-format response body → canonical completion. Unknown fields are kept; missing required fields that some
 * compatible servers omit are filled in, so clients always get a valid `chat.completion`. Messages and usage are
 * normalised the same way as in streams (`normalizeOpenAIMessage`, `normalizeOpenAIUsage`).
 */
export function convertFromOpenAIResponse(body: unknown, defaults: Defaults): ChatCompletion {
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { choices?: unknown }).choices)) {
    throw invalidUpstreamResponse(defaults.provider, 'a response without choices');
  }
  const source = body as Record<string, unknown> & { choices: Array<Record<string, unknown>> };
  const choices: ChatChoice[] = source.choices.map((choice, position) => {
    const message = normalizeOpenAIMessage(
      (typeof choice.message === 'object' && choice.message !== null ? choice.message : {}) as Record<string, unknown>,
    );
    return {
      ...choice,
      index: typeof choice.index === 'number' ? choice.index : position,
      message: {
        ...message,
        role: 'assistant',
        content: typeof message.content === 'string' ? message.content : null,
        refusal: typeof message.refusal === 'string' ? message.refusal : null,
      },
      logprobs: choice.logprobs ?? null,
      finish_reason: mapOpenAIFinishReason(choice.finish_reason),
    } as ChatChoice;
  });
  const completion: Record<string, unknown> = {
    ...source,
    id: typeof source.id === 'string' && source.id !== '' ? source.id : defaults.id,
    object: 'chat.completion',
    created: typeof source.created === 'number' ? source.created : defaults.created,
    model: typeof source.model === 'string' && source.model !== '' ? source.model : defaults.model,
    choices,
  };
  const usage = normalizeOpenAIUsage(source.usage);
  if (usage) completion.usage = usage;
  return completion as ChatCompletion;
}
