import { GatewayError } from '../canonical/index.ts';

/** Shorter keys (a local server's placeholder such as `ollama`) are ordinary words, not secrets worth cutting out. */
const MIN_REDACTED_KEY_LENGTH = 8;

/**
 * An upstream's error with the provider's key cut out of its message, in case an upstream or a proxy in front of it
 * ever echoes the key back (some put the key they were sent in "invalid API key" messages). Provider keys never
 * reach a client, a log or a record. The redacted error keeps everything else but its `cause`, which could carry the
 * key too.
 */
export function redactProviderKey(error: unknown, provider: { apiKey?: string }): unknown {
  const key = provider.apiKey;
  if (!key || key.length < MIN_REDACTED_KEY_LENGTH) return error;
  if (!(error instanceof GatewayError) || !error.message.includes(key)) return error;
  return new GatewayError({
    status: error.status,
    type: error.type,
    code: error.code,
    param: error.param,
    isRetryable: error.isRetryable,
    provider: error.provider,
    retryAfterMs: error.retryAfterMs,
    message: error.message.split(key).join('[redacted]'),
  });
}
