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

/**
 * The whole body parsed as JSON, or `invalidUpstreamResponse` quoting its start. A body cut while it is read (fetch's
 * bare `TypeError: terminated`) is the provider's failure too: a retryable 502, so the attempt loop can fail over.
 */
export async function readUpstreamJson(response: Response, providerId: string, what = 'a body'): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
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
  try {
    return JSON.parse(text);
  } catch {
    throw invalidUpstreamResponse(providerId, `${what} that is not JSON (${text.slice(0, 60)})`);
  }
}
