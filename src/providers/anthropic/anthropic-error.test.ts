import { describe, expect, it } from 'vitest';
import type { ProviderDefinition } from '../provider-adapter.ts';
import api from './__fixtures__/error-api.json';
import authentication from './__fixtures__/error-authentication.json';
import invalidRequest from './__fixtures__/error-invalid-request.json';
import notFound from './__fixtures__/error-not-found.json';
import overloaded from './__fixtures__/error-overloaded.json';
import permission from './__fixtures__/error-permission.json';
import rateLimit from './__fixtures__/error-rate-limit.json';
import tooLarge from './__fixtures__/error-request-too-large.json';
import { anthropicStreamError, mapAnthropicError } from './anthropic-error.ts';

const provider: ProviderDefinition = {
  id: 'claude',
  type: 'anthropic',
  baseUrl: 'https://api.anthropic.com/v1',
  apiKey: 'sk-ant-secret-key',
  models: [],
  aliases: {},
  discover: true,
  source: 'config',
};

function map(status: number, body: unknown, headers: Record<string, string> = {}) {
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  return mapAnthropicError({ status, bodyText, headers: new Headers(headers), provider, now: 1_000_000 });
}

describe('mapAnthropicError', () => {
  it.each([
    [400, invalidRequest, 400, 'invalid_request_error', null, false],
    [401, authentication, 401, 'authentication_error', 'invalid_api_key', false],
    [403, permission, 403, 'permission_error', null, false],
    [404, notFound, 404, 'invalid_request_error', 'model_not_found', false],
    [413, tooLarge, 413, 'invalid_request_error', 'request_too_large', false],
    [429, rateLimit, 429, 'rate_limit_error', 'rate_limit_exceeded', true],
    [500, api, 502, 'server_error', 'upstream_error', true],
    [529, overloaded, 503, 'server_error', 'upstream_overloaded', true],
  ])('%i → %i %s', (status, body, expectedStatus, type, code, isRetryable) => {
    const error = map(status, body);
    expect(error).toMatchObject({ status: expectedStatus, type, code, isRetryable, provider: 'claude' });
    expect(error.message).toBe(`${(body as { error: { message: string } }).error.message} (provider 'claude')`);
  });

  it('reads retry-after on a 429', () => {
    expect(map(429, rateLimit, { 'retry-after': '7' }).retryAfterMs).toBe(7000);
  });

  it('does not retry a spend-limit 429, and obeys x-should-retry', () => {
    const spend = {
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'Spend limit reached',
        details: { error_code: 'enforced_spend_limit_reached' },
      },
    };
    expect(map(429, spend).isRetryable).toBe(false);
    expect(map(500, api, { 'x-should-retry': 'false' }).isRetryable).toBe(false);
  });

  it('keeps a non-JSON body (a proxy page) short, and never includes the key', () => {
    expect(map(413, '<html>413 Request Entity Too Large</html>').message).toBe(
      "<html>413 Request Entity Too Large</html> (provider 'claude')",
    );
    const echoed = map(401, {
      type: 'error',
      error: { type: 'authentication_error', message: 'bad key sk-ant-secret-key' },
    });
    expect(echoed.message).not.toContain('sk-ant-secret-key');
  });
});

describe('anthropicStreamError', () => {
  it('maps an overloaded error event to a retryable 503', () => {
    const error = anthropicStreamError(JSON.stringify(overloaded), { id: 'claude' });
    expect(error).toMatchObject({ status: 503, type: 'server_error', isRetryable: true, provider: 'claude' });
    expect(error.message).toBe("Overloaded (provider 'claude')");
  });

  it('maps other error types by the status Anthropic gives them', () => {
    expect(anthropicStreamError(JSON.stringify(rateLimit), { id: 'c' })).toMatchObject({
      status: 429,
      isRetryable: true,
    });
    expect(anthropicStreamError(JSON.stringify(invalidRequest), { id: 'c' })).toMatchObject({
      status: 400,
      isRetryable: false,
    });
    expect(anthropicStreamError('not json', { id: 'c' })).toMatchObject({ status: 502, isRetryable: true });
  });
});
