import type { GatewayError } from './gateway-error.ts';

/** The OpenAI error body: all four keys always present (wire-formats §1.8). */
export type OpenAIErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

export function toOpenAIErrorBody(error: GatewayError): OpenAIErrorBody {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}
