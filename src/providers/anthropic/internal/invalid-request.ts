import { GatewayError } from '../../../canonical/index.ts';

/** A 400 for a request the Anthropic format cannot express; raised before anything is sent upstream. */
export function invalidRequest(message: string, param: string | null): GatewayError {
  return new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    code: 'unsupported_for_provider',
    param,
    message,
    isRetryable: false,
  });
}
