/**
 * An OpenAI Embeddings response (wire-formats §3.1). Adapters return vectors as numbers (`number[]`); the route
 * encodes them as base64 float32 strings when the client asked for `encoding_format: "base64"`.
 */
export type EmbeddingsResponse<Vector extends number[] | string = number[]> = {
  object: 'list';
  /** One entry per input, in input order; `index` is the input's position. */
  data: Array<EmbeddingData<Vector>>;
  model: string;
  usage: EmbeddingsUsage;
};

export type EmbeddingData<Vector extends number[] | string = number[]> = {
  object: 'embedding';
  index: number;
  embedding: Vector;
};

export type EmbeddingsUsage = { prompt_tokens: number; total_tokens: number };
