import { describe, expect, it } from 'vitest';
import azureDeployments from './__fixtures__/models-azure-deployments.json';
import groq from './__fixtures__/models-groq.json';
import lmStudio from './__fixtures__/models-lmstudio.json';
import mistral from './__fixtures__/models-mistral.json';
import ollama from './__fixtures__/models-ollama.json';
import ollamaTags from './__fixtures__/models-ollama-tags.json';
import openai from './__fixtures__/models-openai.json';
import openRouter from './__fixtures__/models-openrouter.json';
import together from './__fixtures__/models-together.json';
import vllm from './__fixtures__/models-vllm.json';
import { parseOpenAIModelList } from './list-openai-models.ts';

describe('parseOpenAIModelList', () => {
  it('OpenAI: ids, created, owner; embedding models marked', () => {
    expect(parseOpenAIModelList(openai)).toEqual({
      models: [
        { id: 'gpt-4o-mini', created: 1721172741, ownedBy: 'system' },
        { id: 'text-embedding-3-small', created: 1705948997, ownedBy: 'system', kind: 'embedding' },
        { id: 'gpt-4o', created: 1715367049, ownedBy: 'system' },
      ],
    });
  });

  it('vLLM: context length from max_model_len', () => {
    expect(parseOpenAIModelList(vllm).models).toEqual([
      { id: 'meta-llama/Llama-3.1-8B-Instruct', created: 1741577000, ownedBy: 'vllm', contextLength: 131072 },
    ]);
  });

  it('LM Studio: `type` tells embeddings apart; context from max_context_length', () => {
    expect(parseOpenAIModelList(lmStudio).models).toEqual([
      { id: 'qwen2.5-7b-instruct', contextLength: 32768 },
      { id: 'qwen2-vl-7b-instruct', contextLength: 32768 },
      { id: 'text-embedding-nomic-embed-text-v1.5', contextLength: 2048, kind: 'embedding' },
    ]);
  });

  it('OpenRouter: keeps context_length, the display name and pricing (per token → per million tokens)', () => {
    expect(parseOpenAIModelList(openRouter).models).toEqual([
      {
        id: 'openai/gpt-4o-mini',
        created: 1721260800,
        displayName: 'OpenAI: GPT-4o-mini',
        contextLength: 128000,
        pricing: { input: 0.15, output: 0.6, cachedInput: 0.075 },
      },
      {
        id: 'deepseek/deepseek-r1',
        created: 1737381095,
        displayName: 'DeepSeek: R1',
        contextLength: 163840,
        pricing: { input: 0.4, output: 2 },
      },
    ]);
  });

  it('Together: a bare array; image and rerank models left out', () => {
    expect(parseOpenAIModelList(together).models).toEqual([
      {
        id: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
        created: 1733443200,
        displayName: 'Meta Llama 3.3 70B Instruct Turbo',
        contextLength: 131072,
      },
      {
        id: 'BAAI/bge-large-en-v1.5',
        created: 1700000000,
        displayName: 'BAAI-Bge-Large-1p5',
        contextLength: 512,
        kind: 'embedding',
      },
    ]);
  });

  it('Groq: context_window', () => {
    expect(parseOpenAIModelList(groq).models.map((model) => [model.id, model.contextLength])).toEqual([
      ['llama-3.3-70b-versatile', 131072],
      ['openai/gpt-oss-120b', 131072],
    ]);
  });

  it('Mistral: max_context_length; mistral-embed is an embedding model', () => {
    expect(parseOpenAIModelList(mistral).models).toEqual([
      {
        id: 'mistral-large-latest',
        created: 1741578000,
        ownedBy: 'mistralai',
        displayName: 'mistral-large-2411',
        contextLength: 131072,
      },
      { id: 'mistral-embed', created: 1741578000, ownedBy: 'mistralai', contextLength: 8192, kind: 'embedding' },
    ]);
  });

  it('Azure deployments: the deployment name is the id; the base model says what it is', () => {
    expect(parseOpenAIModelList(azureDeployments).models).toEqual([
      { id: 'chat-gpt4o' },
      { id: 'embed-small', kind: 'embedding' },
    ]);
  });

  it('Ollama: /v1/models and the native /api/tags shape', () => {
    expect(parseOpenAIModelList(ollama).models).toEqual([
      { id: 'llama3.2:latest', created: 1746405464, ownedBy: 'library' },
      { id: 'nomic-embed-text:latest', created: 1746405000, ownedBy: 'library', kind: 'embedding' },
    ]);
    expect(parseOpenAIModelList(ollamaTags).models).toEqual([{ id: 'llama3.2:latest' }]);
  });

  it('follows has_more/last_id pagination and tolerates strings and junk', () => {
    expect(parseOpenAIModelList({ data: ['a', '', 7, { id: 'models/b' }], has_more: true, last_id: 'b' })).toEqual({
      models: [{ id: 'a' }, { id: 'b' }],
      nextAfter: 'b',
    });
    expect(parseOpenAIModelList(null)).toEqual({ models: [] });
  });
});
