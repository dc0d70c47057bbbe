import { describe, expect, it } from 'vitest';
import { isTokenInput, textInputs } from './embeddings-request.ts';
import { estimateEmbeddingTokens } from './estimate-embedding-tokens.ts';
import { GatewayError } from './gateway-error.ts';
import { parseEmbeddingsRequest } from './parse-embeddings-request.ts';

function rejection(body: unknown): GatewayError {
  try {
    parseEmbeddingsRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('parseEmbeddingsRequest', () => {
  it('accepts every input shape and keeps unknown fields', () => {
    for (const input of ['hello', ['a', 'b'], [1, 2, 3], [[1, 2], [3]]]) {
      expect(parseEmbeddingsRequest({ model: 'm', input })).toEqual({ model: 'm', input });
    }
    const full = {
      model: 'text-embedding-3-small',
      input: ['a'],
      encoding_format: 'base64',
      dimensions: 256,
      user: 'u-1',
      input_type: 'query',
    };
    expect(parseEmbeddingsRequest(full)).toEqual(full);
  });

  it.each([
    [[], 'body', 'The request body must be a JSON object.'],
    [{ input: 'x' }, 'model', "Invalid field 'model': must be a non-empty string."],
    [{ model: 'm' }, 'input', "Invalid field 'input': is required."],
    [{ model: 'm', input: 3 }, 'input', "Invalid field 'input': must be a string, an array of strings"],
    [{ model: 'm', input: '' }, 'input', "Invalid field 'input': must not be an empty string."],
    [{ model: 'm', input: [] }, 'input', "Invalid field 'input': must not be an empty array."],
    [{ model: 'm', input: ['a', 2] }, 'input[1]', "Invalid field 'input[1]': must be a string"],
    [{ model: 'm', input: ['a', ''] }, 'input[1]', "Invalid field 'input[1]': must not be an empty string."],
    [{ model: 'm', input: [1, 2.5] }, 'input[1]', "Invalid field 'input[1]': must be a token id"],
    [{ model: 'm', input: [1, -1] }, 'input[1]', "Invalid field 'input[1]': must be a token id"],
    [{ model: 'm', input: [[1], []] }, 'input[1]', "Invalid field 'input[1]': must not be an empty array."],
    [{ model: 'm', input: [[1], [2, 'x']] }, 'input[1][1]', "Invalid field 'input[1][1]': must be a token id"],
    [{ model: 'm', input: [[1], 2] }, 'input[1]', "Invalid field 'input[1]': must be an array of token ids"],
    [{ model: 'm', input: [{ text: 'a' }] }, 'input[0]', "Invalid field 'input[0]'"],
    [{ model: 'm', input: 'a', encoding_format: 'int8' }, 'encoding_format', "must be 'float' or 'base64'"],
    [{ model: 'm', input: 'a', dimensions: 0 }, 'dimensions', "Invalid field 'dimensions': must be a whole number"],
    [{ model: 'm', input: 'a', dimensions: 1.5 }, 'dimensions', "Invalid field 'dimensions'"],
    [{ model: 'm', input: 'a', user: 7 }, 'user', "Invalid field 'user': must be a string."],
  ])('refuses %j with a 400 naming %s', (body, field, message) => {
    const error = rejection(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(field === 'body' ? null : field);
    expect(error.message).toContain(message);
  });

  it('caps the number of inputs at 2048', () => {
    expect(parseEmbeddingsRequest({ model: 'm', input: Array(2048).fill('a') }).input).toHaveLength(2048);
    expect(rejection({ model: 'm', input: Array(2049).fill('a') }).message).toContain('at most 2048 inputs, not 2049');
  });
});

describe('embeddings input helpers', () => {
  it('tells token input from text', () => {
    expect(isTokenInput('a')).toBe(false);
    expect(isTokenInput(['a'])).toBe(false);
    expect(isTokenInput([1])).toBe(true);
    expect(isTokenInput([[1]])).toBe(true);
    expect(textInputs('a')).toEqual(['a']);
    expect(textInputs(['a', 'b'])).toEqual(['a', 'b']);
    expect(textInputs([1, 2])).toBeUndefined();
  });

  it('estimates a token per four characters, at least one per text, and counts token ids exactly', () => {
    expect(estimateEmbeddingTokens('abcdefghi')).toBe(3);
    expect(estimateEmbeddingTokens(['a', 'abcd', 'abcde'])).toBe(4);
    expect(estimateEmbeddingTokens([5, 6, 7])).toBe(3);
    expect(estimateEmbeddingTokens([[5, 6], [7]])).toBe(3);
  });
});
