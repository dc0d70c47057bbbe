import { GatewayError } from '../canonical/index.ts';
import type { AdapterContext, ProviderDefinition } from './provider-adapter.ts';

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
    response = await context.fetch(url, { ...init, signal: context.signal });
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
  const bodyText = await readBoundedText(response, context.signal).catch(() => '');
  throw mapError({ status: response.status, bodyText, headers: response.headers, provider, now: context.now() });
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
