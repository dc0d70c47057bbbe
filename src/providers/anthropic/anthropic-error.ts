import { GatewayError } from '../../canonical/index.ts';
import type { ProviderDefinition } from '../provider-adapter.ts';
import { readRetryAfter } from '../read-retry-after.ts';
import { redactKeyFrom } from '../redact-provider-key.ts';
import type { UpstreamErrorMapper } from '../send-upstream-request.ts';

/**
 * An Anthropic error answer (`{"type":"error","error":{"type","message"}}`, https://docs.anthropic.com/en/api/errors)
 * → `GatewayError`, following wire-formats §8.7:
 * 400 → 400, 401 → 401, 403 → 403, 404 → 404 `model_not_found`, 413 → 413, 429 → 429 (retryable, `retry-after`),
 * 529 `overloaded_error` → 503 (529 is not a status clients know), 500 and other 5xx → 502, 504 → 504.
 * A spend-limit 429 is not retried (waiting does not lift it); `x-should-retry`, which Anthropic also sends, wins.
 */
export const mapAnthropicError: UpstreamErrorMapper = ({ status, bodyText, headers, provider, now }) => {
  const parsed = parseAnthropicErrorBody(bodyText);
  const shape = shapeFor(status, parsed.type);
  let isRetryable = shape.isRetryable;
  if (parsed.spendLimit) isRetryable = false;
  const shouldRetry = headers.get('x-should-retry');
  if (shouldRetry === 'true') isRetryable = true;
  if (shouldRetry === 'false') isRetryable = false;
  const fallback = bodyText.trim().slice(0, 300) || `HTTP ${status}`;
  return new GatewayError({
    ...shape,
    isRetryable,
    message: describe(parsed.message ?? fallback, provider),
    provider: provider.id,
    retryAfterMs: readRetryAfter(headers, now),
  });
};

/** An `event: error` inside a 200 stream (e.g. `overloaded_error`) → `GatewayError`, by the error's type. */
export function anthropicStreamError(payloadText: string, provider: ProviderDefinition | { id: string }): GatewayError {
  const parsed = parseAnthropicErrorBody(payloadText);
  const shape = shapeFor(STATUS_BY_TYPE[parsed.type ?? ''] ?? 500, parsed.type);
  return new GatewayError({
    ...shape,
    message: describe(parsed.message ?? 'The provider reported an error mid-stream', provider),
    provider: provider.id,
  });
}

/** The HTTP status Anthropic uses for each error type, for errors that arrive without one (in a stream). */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

type Shape = { status: number; type: string; code: string | null; isRetryable: boolean };

function shapeFor(status: number, anthropicType: string | undefined): Shape {
  if (status === 529 || anthropicType === 'overloaded_error') {
    return { status: 503, type: 'server_error', code: 'upstream_overloaded', isRetryable: true };
  }
  switch (status) {
    case 401:
      return { status, type: 'authentication_error', code: 'invalid_api_key', isRetryable: false };
    case 403:
      return { status, type: 'permission_error', code: null, isRetryable: false };
    case 404:
      return { status, type: 'invalid_request_error', code: 'model_not_found', isRetryable: false };
    case 413:
      return { status, type: 'invalid_request_error', code: 'request_too_large', isRetryable: false };
    case 429:
      return { status, type: 'rate_limit_error', code: 'rate_limit_exceeded', isRetryable: true };
    case 504:
      return { status, type: 'timeout_error', code: 'upstream_timeout', isRetryable: true };
  }
  if (status >= 500) return { status: 502, type: 'server_error', code: 'upstream_error', isRetryable: true };
  return {
    status: status >= 400 && status < 500 ? status : 502,
    type: 'invalid_request_error',
    code: anthropicType === 'billing_error' ? 'billing_error' : null,
    isRetryable: status === 408 || status === 409,
  };
}

/**
 * Names the provider, with the key cut out as everywhere else (`redactKeyFrom`): an Anthropic error also reaches the
 * client from a native pass-through's first event, which no shared redaction sees.
 */
function describe(message: string, provider: { id: string; apiKey?: string }): string {
  return `${redactKeyFrom(message, provider)} (provider '${provider.id}')`;
}

type ParsedError = { type?: string; message?: string; spendLimit?: boolean };

function parseAnthropicErrorBody(bodyText: string): ParsedError {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return {};
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return {};
  const source = error as Record<string, unknown>;
  const details = source.details as { error_code?: unknown } | undefined;
  return {
    type: typeof source.type === 'string' ? source.type : undefined,
    message: typeof source.message === 'string' ? source.message : undefined,
    spendLimit: details?.error_code === 'enforced_spend_limit_reached',
  };
}
