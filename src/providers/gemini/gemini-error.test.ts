import { describe, expect, it } from 'vitest';
import type { ProviderDefinition } from '../provider-adapter.ts';
import apiKeyInvalid from './__fixtures__/error-api-key-invalid.json' with { type: 'json' };
import deadlineExceeded from './__fixtures__/error-deadline-exceeded.json' with { type: 'json' };
import internal from './__fixtures__/error-internal.json' with { type: 'json' };
import invalidArgument from './__fixtures__/error-invalid-argument.json' with { type: 'json' };
import notFound from './__fixtures__/error-not-found.json' with { type: 'json' };
import permissionDenied from './__fixtures__/error-permission-denied.json' with { type: 'json' };
import resourceExhausted from './__fixtures__/error-resource-exhausted.json' with { type: 'json' };
import unavailable from './__fixtures__/error-unavailable.json' with { type: 'json' };
import { mapGeminiError, mapGeminiStreamError } from './gemini-error.ts';

const provider: ProviderDefinition = {
  id: 'google',
  type: 'gemini',
  baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
  apiKey: 'AIzaSy-secret-key',
  models: [],
  aliases: {},
  discover: true,
  source: 'config',
};

function map(status: number, body: unknown, headers: Record<string, string> = {}) {
  return mapGeminiError({
    status,
    bodyText: typeof body === 'string' ? body : JSON.stringify(body),
    headers: new Headers(headers),
    provider,
    now: 1_730_000_000_000,
  });
}

describe('mapGeminiError', () => {
  it('maps an invalid key (400 API_KEY_INVALID) to 401', () => {
    const error = map(400, apiKeyInvalid);
    expect(error).toMatchObject({
      status: 401,
      type: 'authentication_error',
      code: 'invalid_api_key',
      isRetryable: false,
    });
    expect(error.message).toBe("API key not valid. Please pass a valid API key. (provider 'google')");
  });

  it('keeps other 400s as invalid requests', () => {
    expect(map(400, invalidArgument)).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'invalid_argument',
      isRetryable: false,
      provider: 'google',
    });
  });

  it('maps 403 and 404', () => {
    expect(map(403, permissionDenied)).toMatchObject({ status: 403, type: 'permission_error', isRetryable: false });
    expect(map(404, notFound)).toMatchObject({ status: 404, code: 'model_not_found', isRetryable: false });
  });

  it('maps 429 with the RetryInfo delay, the retry-after header winning', () => {
    expect(map(429, resourceExhausted)).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      isRetryable: true,
      retryAfterMs: 12_000,
    });
    expect(map(429, resourceExhausted, { 'retry-after': '3' }).retryAfterMs).toBe(3000);
  });

  it('maps server errors as retryable', () => {
    expect(map(500, internal)).toMatchObject({ status: 502, code: 'internal', isRetryable: true });
    expect(map(503, unavailable)).toMatchObject({ status: 503, code: 'unavailable', isRetryable: true });
    expect(map(504, deadlineExceeded)).toMatchObject({ status: 504, type: 'timeout_error', isRetryable: true });
  });

  it('copes with a body that is not JSON and never shows the key', () => {
    const error = map(502, '<html>Bad Gateway for key AIzaSy-secret-key</html>');
    expect(error).toMatchObject({ status: 502, isRetryable: true });
    expect(error.message).not.toContain('AIzaSy-secret-key');
    expect(error.message).toContain("(provider 'google')");
  });

  it('maps a mid-stream error payload by its code', () => {
    expect(mapGeminiStreamError(unavailable, 'google')).toMatchObject({
      status: 503,
      isRetryable: true,
      provider: 'google',
    });
    expect(mapGeminiStreamError({ error: { message: 'boom' } }, 'google')).toMatchObject({
      status: 502,
      isRetryable: true,
    });
  });
});
