import type { ProviderFormat } from './provider-adapter.ts';

/**
 * Known providers, as data. A preset whose key variable is set in the environment becomes a provider when no
 * config file is given; a config entry can name a preset (`preset: groq`) to inherit its base URL, format and key
 * variable. Local servers have no key: they are probed on their default port instead.
 */
export type ProviderPreset = {
  id: string;
  name: string;
  type: ProviderFormat;
  baseUrl: string;
  /** Environment variable holding the key; absent for keyless local servers. */
  keyVariable?: string;
  /** Local servers: probed at start with a short timeout and added when they answer. */
  local?: boolean;
};

export const providerPresets: readonly ProviderPreset[] = [
  { id: 'openai', name: 'OpenAI', type: 'openai', baseUrl: 'https://api.openai.com/v1', keyVariable: 'OPENAI_API_KEY' },
  {
    id: 'anthropic',
    name: 'Anthropic',
    type: 'anthropic',
    baseUrl: 'https://api.anthropic.com/v1',
    keyVariable: 'ANTHROPIC_API_KEY',
  },
  {
    id: 'gemini',
    name: 'Google Gemini',
    type: 'gemini',
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    keyVariable: 'GEMINI_API_KEY',
  },
  { id: 'groq', name: 'Groq', type: 'openai', baseUrl: 'https://api.groq.com/openai/v1', keyVariable: 'GROQ_API_KEY' },
  {
    id: 'mistral',
    name: 'Mistral',
    type: 'openai',
    baseUrl: 'https://api.mistral.ai/v1',
    keyVariable: 'MISTRAL_API_KEY',
  },
  {
    id: 'deepseek',
    name: 'DeepSeek',
    type: 'openai',
    baseUrl: 'https://api.deepseek.com/v1',
    keyVariable: 'DEEPSEEK_API_KEY',
  },
  {
    id: 'together',
    name: 'Together AI',
    type: 'openai',
    baseUrl: 'https://api.together.xyz/v1',
    keyVariable: 'TOGETHER_API_KEY',
  },
  {
    id: 'openrouter',
    name: 'OpenRouter',
    type: 'openai',
    baseUrl: 'https://openrouter.ai/api/v1',
    keyVariable: 'OPENROUTER_API_KEY',
  },
  {
    id: 'fireworks',
    name: 'Fireworks AI',
    type: 'openai',
    baseUrl: 'https://api.fireworks.ai/inference/v1',
    keyVariable: 'FIREWORKS_API_KEY',
  },
  { id: 'xai', name: 'xAI', type: 'openai', baseUrl: 'https://api.x.ai/v1', keyVariable: 'XAI_API_KEY' },
  {
    id: 'cerebras',
    name: 'Cerebras',
    type: 'openai',
    baseUrl: 'https://api.cerebras.ai/v1',
    keyVariable: 'CEREBRAS_API_KEY',
  },
  {
    id: 'perplexity',
    name: 'Perplexity',
    type: 'openai',
    baseUrl: 'https://api.perplexity.ai',
    keyVariable: 'PERPLEXITY_API_KEY',
  },
  { id: 'ollama', name: 'Ollama', type: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', local: true },
  { id: 'lmstudio', name: 'LM Studio', type: 'openai', baseUrl: 'http://127.0.0.1:1234/v1', local: true },
  { id: 'vllm', name: 'vLLM', type: 'openai', baseUrl: 'http://127.0.0.1:8000/v1', local: true },
  { id: 'llamacpp', name: 'llama.cpp', type: 'openai', baseUrl: 'http://127.0.0.1:8080/v1', local: true },
];

export function findProviderPreset(id: string): ProviderPreset | undefined {
  return providerPresets.find((preset) => preset.id === id);
}
