import { describe, expect, it } from 'vitest';
import type { ProviderDefinition } from '../provider-adapter.ts';
import azureContentFilter from './__fixtures__/error-azure-content-filter.json';
import azureRateLimit from './__fixtures__/error-azure-rate-limit.json';
import fastApiDetail from './__fixtures__/error-fastapi-detail.json';
import insufficientQuota from './__fixtures__/error-insufficient-quota.json';
import invalidApiKey from './__fixtures__/error-invalid-api-key.json';
import llamaCppLoading from './__fixtures__/error-llamacpp-loading.json';
import mistralExtraForbidden from './__fixtures__/error-mistral-extra-forbidden.json';
import mistralToolCallId from './__fixtures__/error-mistral-tool-call-id.json';
import ollamaString from './__fixtures__/error-ollama-string.json';
import ollamaV1 from './__fixtures__/error-ollama-v1.json';
import overloaded from './__fixtures__/error-overloaded.json';
import rateLimit from './__fixtures__/error-rate-limit.json';
import serverError from './__fixtures__/error-server.json';
import unsupportedParameter from './__fixtures__/error-unsupported-parameter.json';
import vllm from './__fixtures__/error-vllm.json';
import { mapOpenAIError } from './openai-error.ts';

const provider: ProviderDefinition = {
  id: 'up',
  type: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  apiKey: 'sk-secret',
  models: [],
  aliases: {},
  discover: true,
  source: 'config',
};

function map(status: number, body: unknown, headers: Record<string, string> = {}) {
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  return mapOpenAIError({ status, bodyText, headers: new Headers(headers), provider, now: Date.UTC(2026, 0, 1) });
}

describe('mapOpenAIError', () => {
  it('400 unsupported_parameter: status, type, code, param and message pass through; not retryable', () => {
    expect(map(400, unsupportedParameter)).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'unsupported_parameter',
      param: 'max_tokens',
      isRetryable: false,
      provider: 'up',
    });
    expect(map(400, unsupportedParameter).message).toBe(
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead. (provider 'up')",
    );
  });

  it('401 invalid_api_key: not retryable, and the message never gains the gateway’s key', () => {
    const error = map(401, invalidApiKey);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key', isRetryable: false });
    expect(error.message).not.toContain('sk-secret');
  });

  it('429 rate limit: retryable, wait from retry-after-ms first, then retry-after seconds or date', () => {
    expect(map(429, rateLimit, { 'retry-after-ms': '108', 'retry-after': '1' })).toMatchObject({
      status: 429,
      code: 'rate_limit_exceeded',
      isRetryable: true,
      retryAfterMs: 108,
    });
    expect(map(429, rateLimit, { 'retry-after': '20' }).retryAfterMs).toBe(20_000);
    expect(map(429, rateLimit, { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }).retryAfterMs).toBe(30_000);
    expect(map(429, rateLimit).retryAfterMs).toBeUndefined();
  });

  it('429 insufficient_quota: not retryable, retrying cannot help', () => {
    expect(map(429, insufficientQuota, { 'retry-after': '1' })).toMatchObject({
      status: 429,
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      isRetryable: false,
    });
  });

  it('500 becomes a retryable 502; 503 keeps its status', () => {
    expect(map(500, serverError)).toMatchObject({
      status: 502,
      type: 'server_error',
      code: 'upstream_error',
      isRetryable: true,
    });
    expect(map(503, overloaded)).toMatchObject({ status: 503, isRetryable: true });
    expect(map(503, overloaded).message).toContain('The engine is currently overloaded');
  });

  it('x-should-retry wins over the status', () => {
    expect(map(500, serverError, { 'x-should-retry': 'false' }).isRetryable).toBe(false);
    expect(map(400, unsupportedParameter, { 'x-should-retry': 'true' }).isRetryable).toBe(true);
  });

  it('reads a body that is not JSON as text', () => {
    expect(map(502, '<html>Bad Gateway</html>').message).toBe("<html>Bad Gateway</html> (provider 'up')");
    expect(map(504, '').message).toBe("HTTP 504 (provider 'up')");
  });

  it('Ollama: the old `{"error":"text"}` and the /v1 `{"error":{…}}` bodies', () => {
    expect(map(404, ollamaString)).toMatchObject({
      status: 404,
      type: 'not_found_error',
      code: null,
      isRetryable: false,
    });
    expect(map(404, ollamaString).message).toContain('model "llama9" not found, try pulling it first');
    expect(map(404, ollamaV1)).toMatchObject({ status: 404, type: 'not_found_error' });
    expect(map(404, ollamaV1).message).toContain('model "llama9" not found');
  });

  it('vLLM: top-level `{"object":"error"}`; a numeric code repeating the status is dropped', () => {
    const error = map(400, vllm);
    expect(error).toMatchObject({ status: 400, type: 'BadRequestError', code: null, isRetryable: false });
    expect(error.message).toContain("This model's maximum context length is 4096 tokens");
  });

  it('Mistral: 422 validation details become readable text; the tool call id error keeps its message', () => {
    const error = map(422, mistralExtraForbidden);
    expect(error).toMatchObject({ status: 422, type: 'invalid_request_message_error', isRetryable: false });
    expect(error.message).toBe("body.stream_options: Extra inputs are not permitted (provider 'up')");
    expect(map(400, mistralToolCallId).message).toContain('must be a-z, A-Z, 0-9, with a length of 9');
  });

  it('Azure: a "429" code becomes rate_limit_exceeded; content_filter keeps its code and param', () => {
    expect(map(429, azureRateLimit, { 'retry-after': '6' })).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      isRetryable: true,
      retryAfterMs: 6000,
    });
    expect(map(400, azureContentFilter)).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'content_filter',
      param: 'prompt',
      isRetryable: false,
    });
  });

  it('llama.cpp loading a model (503 with numeric code) and FastAPI `{"detail"}` bodies', () => {
    expect(map(503, llamaCppLoading)).toMatchObject({ status: 503, type: 'unavailable_error', isRetryable: true });
    expect(map(503, llamaCppLoading).message).toBe("Loading model (provider 'up')");
    expect(map(404, fastApiDetail).message).toBe("Not Found (provider 'up')");
  });
});
