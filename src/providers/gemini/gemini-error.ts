import { GatewayError } from '../../canonical/index.ts';
import type { ProviderDefinition } from '../provider-adapter.ts';
import { readRetryAfter } from '../read-retry-after.ts';
import type { UpstreamErrorMapper } from '../send-upstream-request.ts';

/**
 * A Gemini error (`{"error":{code,message,status,details}}`, https://ai.google.dev/gemini-api/docs/troubleshooting)
 * as a `GatewayError` (wire-formats §5.5, §8.7). The client gets the OpenAI meaning of the status: an invalid key,
 * which Gemini reports as 400 `API_KEY_INVALID`, is a 401; 500 is the gateway's 502; 429, 500, 503 and 504 are
 * retryable, the wait read from `retry-after` or else from the `RetryInfo` detail.
 */
export const mapGeminiError: UpstreamErrorMapper = ({ status, bodyText, headers, provider, now }) =>
  geminiErrorFromBody(status, parseBody(bodyText), bodyText, headers, provider, now);

/** A `data: {"error":…}` event of a stream, mapped as if its `code` had been the HTTP status. */
export function mapGeminiStreamError(payload: unknown, provider: ProviderDefinition | string): GatewayError {
  const error = parseError(payload);
  const status = typeof error.code === 'number' && error.code >= 400 ? error.code : 500;
  return geminiErrorFromBody(status, error, '', new Headers(), provider, 0);
}

type GeminiErrorBody = { code?: unknown; message?: unknown; status?: unknown; details?: unknown };

function geminiErrorFromBody(
  status: number,
  error: GeminiErrorBody,
  bodyText: string,
  headers: Headers,
  provider: ProviderDefinition | string,
  now: number,
): GatewayError {
  const providerId = typeof provider === 'string' ? provider : provider.id;
  const apiKey = typeof provider === 'string' ? undefined : provider.apiKey;
  const rawMessage =
    typeof error.message === 'string' && error.message !== ''
      ? error.message
      : bodyText.trim().slice(0, 300) || `HTTP ${status}`;
  // Gemini does not echo keys, but a proxy in front of it might; the key never reaches a client or a log.
  const safeMessage = apiKey ? rawMessage.replaceAll(apiKey, '***') : rawMessage;
  const grpcStatus = typeof error.status === 'string' ? error.status : undefined;
  const details = Array.isArray(error.details) ? error.details : [];
  const base = {
    message: `${safeMessage} (provider '${providerId}')`,
    provider: providerId,
    code: grpcStatus?.toLowerCase() ?? null,
  };

  if (isInvalidKey(status, rawMessage, details)) {
    return new GatewayError({
      ...base,
      status: 401,
      type: 'authentication_error',
      code: 'invalid_api_key',
      isRetryable: false,
    });
  }
  switch (status) {
    case 403:
      return new GatewayError({ ...base, status: 403, type: 'permission_error', isRetryable: false });
    case 404:
      return new GatewayError({
        ...base,
        status: 404,
        type: 'invalid_request_error',
        code: 'model_not_found',
        isRetryable: false,
      });
    case 429:
      return new GatewayError({
        ...base,
        status: 429,
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        isRetryable: true,
        retryAfterMs: readRetryAfter(headers, now) ?? readRetryDelay(details),
      });
    case 503:
      return new GatewayError({
        ...base,
        status: 503,
        type: 'server_error',
        isRetryable: true,
        retryAfterMs: readRetryAfter(headers, now),
      });
    case 504:
      return new GatewayError({ ...base, status: 504, type: 'timeout_error', isRetryable: true });
  }
  if (status >= 500) return new GatewayError({ ...base, status: 502, type: 'server_error', isRetryable: true });
  return new GatewayError({
    ...base,
    status,
    type: 'invalid_request_error',
    isRetryable: status === 408 || status === 409,
  });
}

function isInvalidKey(status: number, message: string, details: unknown[]): boolean {
  if (status !== 400 && status !== 401) return false;
  if (message.includes('API_KEY_INVALID')) return true;
  return details.some(
    (detail) =>
      typeof detail === 'object' && detail !== null && (detail as { reason?: unknown }).reason === 'API_KEY_INVALID',
  );
}

/** `google.rpc.RetryInfo.retryDelay` is a protobuf Duration in JSON: seconds with an `s` suffix, e.g. `"34.4s"`. */
function readRetryDelay(details: unknown[]): number | undefined {
  for (const detail of details) {
    if (typeof detail !== 'object' || detail === null) continue;
    const { '@type': type, retryDelay } = detail as { '@type'?: unknown; retryDelay?: unknown };
    if (typeof type !== 'string' || !type.endsWith('google.rpc.RetryInfo') || typeof retryDelay !== 'string') continue;
    const match = /^(\d+(?:\.\d+)?)s$/.exec(retryDelay.trim());
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

function parseBody(bodyText: string): GeminiErrorBody {
  try {
    return parseError(JSON.parse(bodyText));
  } catch {
    return {};
  }
}

/** Gemini sends one error object; some proxies wrap it in a one-element array (the non-SSE stream shape). */
function parseError(payload: unknown): GeminiErrorBody {
  const body = Array.isArray(payload) ? payload[0] : payload;
  if (typeof body !== 'object' || body === null) return {};
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as GeminiErrorBody) : {};
}
