import { GatewayError } from '../canonical/index.ts';

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

/** The whole body parsed as JSON, or `invalidUpstreamResponse` quoting its start. */
export async function readUpstreamJson(response: Response, providerId: string, what = 'a body'): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw invalidUpstreamResponse(providerId, `${what} that is not JSON (${text.slice(0, 60)})`);
  }
}
