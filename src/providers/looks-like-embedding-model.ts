/**
 * Whether a model id names an embedding model (`text-embedding-3-small`, `nomic-embed-text`, `snowflake-arctic-embed:335m`,
 * `bge-m3`, …), for models nobody described: OpenAI-format lists carry no capability field, and statically configured
 * models and `provider/model` routes have no list entry at all. A format's own answer wins where there is one (Gemini's
 * `supportedGenerationMethods`, LM Studio's `type`).
 */
export function looksLikeEmbeddingModel(id: string): boolean {
  return /(^|[-_/.])(text-)?embed(ding)?s?([-_.:]|$)|^nomic-embed|^bge-|^e5-|^gte-|^mxbai-embed/i.test(id);
}
