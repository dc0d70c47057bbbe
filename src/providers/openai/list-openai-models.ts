import { looksLikeEmbeddingModel } from '../looks-like-embedding-model.ts';
import type { DiscoveredModel } from '../provider-adapter.ts';

/**
 * Model list bodies as real servers send them → discovered models. Tolerates `{data:[…]}` (OpenAI, vLLM, LM Studio,
 * Groq…), bare arrays (Together), `{models:[…]}` and Ollama's `/api/tags` (`{models:[{name, model}]}`), `models/…`
 * names, and entries that are plain strings. Returns the models and, for paginated lists (`has_more` + `last_id`),
 * the cursor of the next page.
 *
 * The context window is read from whichever field the server uses: `context_length` (OpenRouter, Together,
 * Fireworks), `max_model_len` (vLLM), `context_window` (Groq), `max_context_length` (Mistral, LM Studio's native
 * list). Models a server marks as neither chat nor embedding (Together's `type: "image"`, `"audio"`, `"rerank"`, …)
 * are left out: a chat request to them can only fail.
 */
export function parseOpenAIModelList(body: unknown): { models: DiscoveredModel[]; nextAfter?: string } {
  const record = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const entries: unknown[] = Array.isArray(body)
    ? body
    : Array.isArray(record.data)
      ? record.data
      : Array.isArray(record.models)
        ? record.models
        : [];
  const models: DiscoveredModel[] = [];
  for (const entry of entries) {
    const model = toDiscoveredModel(entry);
    if (model) models.push(model);
  }
  const nextAfter =
    record.has_more === true && typeof record.last_id === 'string' && record.last_id !== ''
      ? record.last_id
      : undefined;
  return nextAfter ? { models, nextAfter } : { models };
}

function toDiscoveredModel(entry: unknown): DiscoveredModel | undefined {
  if (typeof entry === 'string') return entry ? { id: stripModelsPrefix(entry) } : undefined;
  if (typeof entry !== 'object' || entry === null) return undefined;
  const source = entry as Record<string, unknown>;
  const rawId = [source.id, source.model, source.name].find((value) => typeof value === 'string' && value !== '');
  if (typeof rawId !== 'string') return undefined;
  if (typeof source.type === 'string' && NOT_CHAT_TYPES.has(source.type)) return undefined;
  const model: DiscoveredModel = { id: stripModelsPrefix(rawId) };
  if (typeof source.created === 'number') model.created = source.created;
  if (typeof source.owned_by === 'string') model.ownedBy = source.owned_by;
  const displayName = [source.display_name, source.name].find(
    (value) => typeof value === 'string' && value !== '' && value !== rawId,
  );
  if (typeof displayName === 'string') model.displayName = displayName;
  const contextLength = [
    source.context_length,
    source.max_model_len,
    source.context_window,
    source.max_context_length,
  ].find((value) => typeof value === 'number' && value > 0);
  if (typeof contextLength === 'number') model.contextLength = contextLength;
  const pricing = perMillionPricing(source.pricing);
  if (pricing) model.pricing = pricing;
  if (isEmbeddingEntry(model.id, source)) model.kind = 'embedding';
  return model;
}

/**
 * OpenRouter's `pricing` (https://openrouter.ai/docs/api-reference/list-available-models): USD per token as decimal
 * strings (`prompt`, `completion`, `input_cache_read`) → USD per million tokens. Nothing when the prompt or completion
 * price is missing or negative (`-1` means the price varies).
 */
function perMillionPricing(pricing: unknown): DiscoveredModel['pricing'] {
  if (typeof pricing !== 'object' || pricing === null) return undefined;
  const source = pricing as Record<string, unknown>;
  const input = perMillion(source.prompt);
  const output = perMillion(source.completion);
  if (input === undefined || output === undefined) return undefined;
  const cachedInput = perMillion(source.input_cache_read);
  return cachedInput === undefined ? { input, output } : { input, output, cachedInput };
}

function perMillion(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) return undefined;
  // Rounded to a millionth of a dollar: decimals such as 0.0000025 do not multiply exactly.
  return Math.round(number * 1e12) / 1e6;
}

/** `type` values of model lists (Together, LM Studio) that name models no chat request can use. */
const NOT_CHAT_TYPES = new Set(['image', 'audio', 'transcribe', 'rerank', 'moderation', 'video', 'tts', 'stt']);

function stripModelsPrefix(id: string): string {
  return id.startsWith('models/') ? id.slice('models/'.length) : id;
}

/**
 * OpenAI's list has no capability field; names, the `type` field of LM Studio and Together, and the base `model` of
 * an Azure deployment (whose own name can be anything) are the signal.
 */
function isEmbeddingEntry(id: string, source: Record<string, unknown>): boolean {
  if (source.type === 'embeddings' || source.type === 'embedding') return true;
  return looksLikeEmbeddingModel(id) || (typeof source.model === 'string' && looksLikeEmbeddingModel(source.model));
}
