/**
 * Whether a model id names an embedding model, for models nobody described: statically configured ones and
 * `provider/model` routes to models the provider's list did not name. Discovery's own answer wins where there is one
 * (Gemini's `supportedGenerationMethods`, LM Studio's `type`). Same name rule as the OpenAI list parser.
 */
export function looksLikeEmbeddingModel(id: string): boolean {
  return /(^|[-_/.])(text-)?embed(ding)?s?([-_.]|$)|^nomic-embed|^bge-|^e5-|^gte-|^mxbai-embed/i.test(id);
}
