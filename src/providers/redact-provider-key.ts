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
  if (!(error instanceof GatewayError)) return error;
  const message = redactKeyFrom(error.message, provider);
  if (message === error.message) return error;
  return new GatewayError({
    status: error.status,
    type: error.type,
    code: error.code,
    param: error.param,
    isRetryable: error.isRetryable,
    provider: error.provider,
    retryAfterMs: error.retryAfterMs,
    message,
  });
}

/** `text` with every copy of the provider's key replaced by `[redacted]` (keys too short to be secrets are kept). */
export function redactKeyFrom(text: string, provider: { apiKey?: string }): string {
  const key = provider.apiKey;
  if (!key || key.length < MIN_REDACTED_KEY_LENGTH || !text.includes(key)) return text;
  return text.split(key).join('[redacted]');
}
