import { GatewayError } from '../canonical/index.ts';
import type { AdapterContext, ProviderDefinition } from './provider-adapter.ts';
import { redactProviderKey } from './redact-provider-key.ts';

/** Turns a non-2xx upstream answer into a `GatewayError`; one per format (`<format>-error.ts`). */
export type UpstreamErrorMapper = (input: {
  status: number;
  bodyText: string;
  headers: Headers;
  provider: ProviderDefinition;
  now: number;
}) => GatewayError;

/** Largest error body read from an upstream; the rest is ignored. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * The one way adapters call upstream: the injected fetch with the request's signal, network failures as retryable
 * 502s that name the provider (never its key), and non-2xx answers mapped by the format's error mapper.
 *
 * Redirects are not followed: upstream URLs come only from configuration, and following one would send the
 * provider's key (in `authorization`, `x-api-key`, `api-key` or `x-goog-api-key`; fetch drops only the first on a
 * cross-origin redirect) wherever the answer points. A 3xx is a retryable 502 `upstream_redirected` that says where
 * it pointed, so the operator can set `baseUrl` there.
 */
export async function sendUpstreamRequest(
  url: string,
  init: RequestInit,
  provider: ProviderDefinition,
  context: AdapterContext,
  mapError: UpstreamErrorMapper,
): Promise<Response> {
  let response: Response;
  try {
    response = await context.fetch(url, { ...init, signal: context.signal, redirect: 'manual' });
  } catch (error) {
    if (context.signal.aborted) throw abortReason(context.signal);
    throw new GatewayError({
      status: 502,
      type: 'upstream_error',
      code: 'upstream_unreachable',
      message: `Provider '${provider.id}' could not be reached: ${describeNetworkError(error)}`,
      provider: provider.id,
      isRetryable: true,
      cause: error,
    });
  }
  if (response.ok) return response;
  if (response.status >= 300 && response.status < 400) throw await redirected(response, url, provider);
  const bodyText = await readBoundedText(response, context.signal).catch(() => '');
  const mapped = mapError({
    status: response.status,
    bodyText,
    headers: response.headers,
    provider,
    now: context.now(),
  });
  throw redactProviderKey(mapped, provider);
}

async function redirected(response: Response, url: string, provider: ProviderDefinition): Promise<GatewayError> {
  await response.body?.cancel().catch(() => undefined);
  const location = response.headers.get('location');
  let target = 'no location';
  if (location) {
    try {
      // Origin and path only: a query string may carry a token.
      const pointed = new URL(location, url);
      target = `${pointed.origin}${pointed.pathname}`;
    } catch {
      target = 'an invalid location';
    }
  }
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'upstream_redirected',
    message: `Provider '${provider.id}' answered ${response.status} with a redirect to ${target}. Redirects are not followed, so the provider's key goes only to its configured baseUrl: set baseUrl to where it points.`,
    provider: provider.id,
    isRetryable: true,
  });
}

export function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  if (reason instanceof GatewayError) return reason;
  return new GatewayError({
    status: 504,
    type: 'timeout_error',
    code: 'request_aborted',
    message: 'The request was aborted before the provider answered.',
    isRetryable: false,
  });
}

function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${cause.message}`.slice(0, 200) : cause.message.slice(0, 200);
  }
  return 'network error';
}

async function readBoundedText(response: Response, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  while (!signal.aborted) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (size >= MAX_ERROR_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return text + decoder.decode();
}
