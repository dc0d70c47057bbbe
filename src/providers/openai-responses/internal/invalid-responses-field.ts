import { GatewayError } from '../../../canonical/index.ts';

/** A 400 naming the Responses field at fault (the OpenAI body carries it in `param`). */
export function invalidResponsesField(param: string, message: string, code = 'invalid_value'): GatewayError {
  return new GatewayError({ status: 400, type: 'invalid_request_error', code, param, message, isRetryable: false });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
