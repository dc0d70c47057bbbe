import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.ts';
import azure from './__fixtures__/response-azure.json';
import deepSeekCacheHit from './__fixtures__/response-deepseek-cache-hit.json';
import deepSeekReasoning from './__fixtures__/response-deepseek-reasoning.json';
import jsonMode from './__fixtures__/response-json-mode.json';
import mistralThinking from './__fixtures__/response-mistral-thinking.json';
import parallelTools from './__fixtures__/response-parallel-tools.json';
import text from './__fixtures__/response-text.json';
import { convertFromOpenAIResponse } from './convert-from-openai-response.ts';

const defaults = { id: 'chatcmpl-fallback', created: 1_730_000_000, model: 'requested-model', provider: 'upstream' };

describe('convertFromOpenAIResponse', () => {
  it('keeps an OpenAI text response as it is', () => {
    expect(convertFromOpenAIResponse(text, defaults)).toEqual(text);
  });

  it('keeps parallel tool calls, null content and the tool_calls finish reason', () => {
    const response = convertFromOpenAIResponse(parallelTools, defaults);
    expect(response).toEqual(parallelTools);
    expect(response.choices[0].message.tool_calls?.map((call) => call.id)).toEqual([
      'call_fLsKR5vGllhbWxvpqsDT3jBj',
      'call_8KhXsFOtkgqRbvGZ5QPwMF1e',
    ]);
  });

  it('keeps JSON mode content as the string the model wrote', () => {
    const response = convertFromOpenAIResponse(jsonMode, defaults);
    expect(JSON.parse(response.choices[0].message.content ?? '')).toEqual({ city: 'Oslo', country: 'Norway' });
  });

  it('DeepSeek: keeps reasoning_content; fills cached_tokens from prompt_cache_hit_tokens only when absent', () => {
    const reasoning = convertFromOpenAIResponse(deepSeekReasoning, defaults);
    expect(reasoning.choices[0].message).toMatchObject({
      content: '9.11 is smaller than 9.8.',
      reasoning_content: 'Compare the tenths: 1 is less than 8, so 9.11 < 9.8.',
      refusal: null,
    });
    expect(reasoning.usage?.prompt_tokens_details).toEqual({ cached_tokens: 0 });
    const cached = convertFromOpenAIResponse(deepSeekCacheHit, defaults);
    expect(cached.usage).toEqual({ ...deepSeekCacheHit.usage, prompt_tokens_details: { cached_tokens: 1152 } });
  });

  it('Mistral reasoning models: content chunks become a content string and reasoning_content', () => {
    const response = convertFromOpenAIResponse(mistralThinking, defaults);
    expect(response.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        tool_calls: null,
        content: '2 + 2 = 4.',
        reasoning_content: 'The user wants 2+2. That is 4.',
        refusal: null,
      },
      logprobs: null,
      finish_reason: 'stop',
    });
  });

  it('Azure: keeps prompt_filter_results and content_filter_results', () => {
    const response = convertFromOpenAIResponse(azure, defaults);
    expect(response).toEqual(azure);
  });

  it('copies `reasoning` (Ollama, Groq, OpenRouter) to reasoning_content', () => {
    const response = convertFromOpenAIResponse(
      {
        id: 'chatcmpl-786',
        object: 'chat.completion',
        created: 1741582000,
        model: 'qwen3:8b',
        system_fingerprint: 'fp_ollama',
        choices: [
          { index: 0, message: { role: 'assistant', content: 'Hi.', reasoning: 'Greet back.' }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 11, completion_tokens: 9, total_tokens: 20 },
      },
      defaults,
    );
    expect(response.choices[0].message).toMatchObject({ reasoning: 'Greet back.', reasoning_content: 'Greet back.' });
  });

  it('fills what compatible servers leave out and computes a missing total', () => {
    const response = convertFromOpenAIResponse(
      {
        choices: [{ message: { content: 'x' }, finish_reason: 'eos' }],
        usage: { prompt_tokens: 3, completion_tokens: 1 },
      },
      defaults,
    );
    expect(response).toEqual({
      id: 'chatcmpl-fallback',
      object: 'chat.completion',
      created: 1_730_000_000,
      model: 'requested-model',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'x', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    });
  });

  it('rejects a body without choices as an upstream error', () => {
    expect(() => convertFromOpenAIResponse({ object: 'error', message: 'x' }, defaults)).toThrow(GatewayError);
  });
});
