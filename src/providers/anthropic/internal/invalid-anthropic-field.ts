import { GatewayError } from '../../../canonical/index.ts';

/**
 * A 400 for an invalid inbound Anthropic request, naming the field the way the Messages API does
 * (`messages.0.content.1.source.media_type: …`), so Anthropic clients read the same kind of message they know.
 */
export function invalidAnthropicField(path: string, problem: string): GatewayError {
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    code: 'invalid_value',
    param: path,
    message: `${path}: ${problem}`,
    isRetryable: false,
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
