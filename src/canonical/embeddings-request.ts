/**
 * An OpenAI Embeddings request (`POST /v1/embeddings`, wire-formats §3.1), the canonical form every format's
 * embeddings call starts from. `input` is one text, several texts, one text as token ids, or several texts as token
 * ids; only OpenAI-format upstreams accept token ids.
 */
export type EmbeddingsRequest = {
  model: string;
  input: EmbeddingsInput;
  /** How the client wants each vector: JSON numbers (`float`, the API's default) or base64 float32 (`base64`). */
  encoding_format?: 'float' | 'base64';
  /** Output dimensions, for models that can shorten their vectors. */
  dimensions?: number;
  user?: string;
  /** Other fields pass to OpenAI-format upstreams unchanged (vendor extras such as `input_type`). */
  [key: string]: unknown;
};

export type EmbeddingsInput = string | string[] | number[] | number[][];

/** Whether the input is token ids (one array of ints, or arrays of them) rather than text. */
export function isTokenInput(input: EmbeddingsInput): input is number[] | number[][] {
  return Array.isArray(input) && input.length > 0 && typeof input[0] !== 'string';
}

/** The input as a list of texts, one per embedding; undefined for token input. */
export function textInputs(input: EmbeddingsInput): string[] | undefined {
  if (typeof input === 'string') return [input];
  return isTokenInput(input) ? undefined : (input as string[]);
}
