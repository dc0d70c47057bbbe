import type { EmbeddingsRequest } from './embeddings-request.ts';
import { GatewayError } from './gateway-error.ts';

/** Most inputs in one request, as OpenAI documents it (wire-formats §3.1). */
export const MAX_EMBEDDINGS_INPUTS = 2048;

const INPUT_SHAPES = 'a string, an array of strings, an array of token ids or an array of token-id arrays';

/**
 * A parsed JSON body → a valid embeddings request, or a 400 naming the first invalid field (the same message shape
 * as chat requests). Unknown fields are kept.
 */
export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new GatewayError({
      status: 400,
      message: 'The request body must be a JSON object.',
      code: 'invalid_request',
    });
  }
  const record = body as Record<string, unknown>;
  if (typeof record.model !== 'string' || record.model === '') invalidField('model', 'must be a non-empty string');
  if (!('input' in record)) invalidField('input', 'is required');
  checkInput(record.input);
  const format = record.encoding_format;
  if (format !== undefined && format !== 'float' && format !== 'base64') {
    invalidField('encoding_format', "must be 'float' or 'base64'");
  }
  const dimensions = record.dimensions;
  if (dimensions !== undefined && !(Number.isInteger(dimensions) && (dimensions as number) >= 1)) {
    invalidField('dimensions', 'must be a whole number of at least 1');
  }
  if (record.user !== undefined && typeof record.user !== 'string') invalidField('user', 'must be a string');
  return record as EmbeddingsRequest;
}

function checkInput(input: unknown): void {
  if (typeof input === 'string') {
    if (input === '') invalidField('input', 'must not be an empty string');
    return;
  }
  if (!Array.isArray(input)) invalidField('input', `must be ${INPUT_SHAPES}`);
  if (input.length === 0) invalidField('input', 'must not be an empty array');
  if (input.length > MAX_EMBEDDINGS_INPUTS) {
    invalidField('input', `must hold at most ${MAX_EMBEDDINGS_INPUTS} inputs, not ${input.length}`);
  }
  const first = input[0];
  if (typeof first === 'string') {
    input.forEach((item, index) => {
      if (typeof item !== 'string') invalidField(`input[${index}]`, `must be a string like the other inputs`);
      if (item === '') invalidField(`input[${index}]`, 'must not be an empty string');
    });
  } else if (typeof first === 'number') {
    checkTokens(input, 'input');
  } else if (Array.isArray(first)) {
    input.forEach((item, index) => {
      if (!Array.isArray(item)) invalidField(`input[${index}]`, 'must be an array of token ids like the other inputs');
      if (item.length === 0) invalidField(`input[${index}]`, 'must not be an empty array');
      checkTokens(item, `input[${index}]`);
    });
  } else {
    invalidField('input[0]', `must be a string, a token id or an array of token ids (input is ${INPUT_SHAPES})`);
  }
}

function checkTokens(tokens: unknown[], field: string): void {
  tokens.forEach((token, index) => {
    if (!Number.isInteger(token) || (token as number) < 0) {
      invalidField(`${field}[${index}]`, 'must be a token id (a whole number of at least 0)');
    }
  });
}

function invalidField(field: string, problem: string): never {
  throw new GatewayError({
    status: 400,
    message: `Invalid field '${field}': ${problem}.`,
    code: 'invalid_value',
    param: field,
  });
}
