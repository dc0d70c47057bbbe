import { anthropicAdapter } from './anthropic/anthropic-adapter.ts';
import { geminiAdapter } from './gemini/gemini-adapter.ts';
import { openAIAdapter } from './openai/openai-adapter.ts';
import type { ProviderAdapter, ProviderFormat } from './provider-adapter.ts';

/** Every wire format the gateway speaks upstream, by `type`. */
export const providerAdapters: Record<ProviderFormat, ProviderAdapter | undefined> = {
  openai: openAIAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
};
