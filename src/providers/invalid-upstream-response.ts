import { GatewayError } from '../canonical/index.ts';
import { redactKeyFrom } from './redact-provider-key.ts';

/**
 * An upstream answer the gateway cannot read (not JSON, missing the fields its format requires): a retryable 502
 * naming the provider, so the attempt loop can fail over. `what` completes "Provider 'x' returned …".
 */
export function invalidUpstreamResponse(providerId: string, what: string): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'invalid_upstream_response',
    message: `Provider '${providerId}' returned ${what}.`,
    provider: providerId,
    isRetryable: true,
  });
}

/**
 * The largest upstream answer read whole (256 MiB): far above any real answer (a batch of 2,048 embeddings of 3,072
 * floats is ~60 MB as JSON), low enough that an upstream sending without end cannot fill the gateway's memory.
 */
export const MAX_UPSTREAM_BODY_BYTES = 256 * 1024 * 1024;

/**
 * The whole body parsed as JSON (`readUpstreamText`), or `invalidUpstreamResponse` quoting its start.
 */
export async function readUpstreamJson(
  response: Response,
  provider: { id: string; apiKey?: string },
  what = 'a body',
): Promise<unknown> {
  return parseUpstreamJson(await readUpstreamText(response, provider, what), provider, what);
}

/** `text` parsed as JSON, or `invalidUpstreamResponse` quoting its start (with the provider's key taken out). */
export function parseUpstreamJson(text: string, provider: { id: string; apiKey?: string }, what = 'a body'): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The quote is cut from a body that may echo the key: the key is taken out before it is cut.
    const quote = redactKeyFrom(text, provider).slice(0, 60);
    throw invalidUpstreamResponse(provider.id, `${what} that is not JSON (${quote})`);
  }
}

/**
 * The whole body as text. A body cut while it is read (fetch's bare `TypeError: terminated`) is the provider's
 * failure: a retryable 502, so the attempt loop can fail over. So is a body larger than `MAX_UPSTREAM_BODY_BYTES`:
 * refused unread when its `content-length` says so, and by the Node upstream client (a `RangeError`) when it only
 * turns out so while arriving.
 */
export async function readUpstreamText(response: Response, provider: { id: string }, what = 'a body'): Promise<string> {
  const providerId = provider.id;
  if (Number(response.headers.get('content-length') ?? 0) > MAX_UPSTREAM_BODY_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw upstreamResponseTooLarge(providerId, what);
  }
  try {
    return await response.text();
  } catch (error) {
    if (error instanceof RangeError) throw upstreamResponseTooLarge(providerId, what);
    if (!(error instanceof TypeError)) throw error;
    throw new GatewayError({
      status: 502,
      type: 'upstream_error',
      code: 'upstream_connection_lost',
      message: `Provider '${providerId}' dropped the connection while sending ${what}.`,
      provider: providerId,
      isRetryable: true,
      cause: error,
    });
  }
}

function upstreamResponseTooLarge(providerId: string, what: string): GatewayError {
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'upstream_response_too_large',
    message: `Provider '${providerId}' sent ${what} larger than ${MAX_UPSTREAM_BODY_BYTES} bytes.`,
    provider: providerId,
    isRetryable: true,
  });
}
