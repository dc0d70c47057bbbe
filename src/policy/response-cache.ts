import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../canonical/index.ts';
import type { GatewayConfig } from '../config/gateway-config.ts';
import type { KeyValueStore } from '../state/key-value-store.ts';
import { sha256Hex } from './internal/sha256-hex.ts';
import { stableJson } from './internal/stable-json.ts';
import { matchesAnyModelPattern } from './matches-model-pattern.ts';

/** A cached answer: a whole completion, or every chunk of a stream that ended cleanly (usage chunk included). */
export type CachedAnswer = NewCachedAnswer & { storedAt: number };

/** An answer to store: where it came from and what it was. */
export type NewCachedAnswer = { provider?: string; model?: string } & (
  | { kind: 'json'; response: ChatCompletion }
  | { kind: 'stream'; chunks: ChatCompletionChunk[] }
);

/** `use`: answer from the cache when possible and store a miss; `refresh`: call upstream and store; `skip`: neither. */
export type CacheMode = 'use' | 'refresh' | 'skip';

/**
 * Fields that never change what the model answers, left out of the cache key. Everything else counts (model,
 * messages, tools, tool_choice, response_format, temperature, top_p, max tokens, stop, seed, n, penalties, stream …),
 * so an unknown new parameter makes a different entry rather than a wrong hit.
 */
const ignoredFields = new Set(['stream_options', 'user', 'metadata', 'store', 'prompt_cache_key', 'safety_identifier']);

const encoder = new TextEncoder();

/**
 * Exact-match response cache over `KeyValueStore`: the key is the SHA-256 of the normalized request (sorted keys,
 * nulls dropped) and of the key id (unless `cache.shareAcrossKeys`), the entry expires after `cache.ttlSeconds`, and
 * entries larger than `cache.maxEntryBytes` are not stored.
 */
export class ResponseCache {
  constructor(
    private readonly keyValue: KeyValueStore,
    private readonly config: GatewayConfig['cache'],
    private readonly now: () => number,
  ) {}

  /**
   * How this request uses the cache: on for the configured models (all when `cache.models` is empty) or when the
   * client asks with `x-switchboard-cache: use`; `Cache-Control: no-store` / `x-switchboard-cache: skip` bypass it,
   * `Cache-Control: no-cache` / `x-switchboard-cache: refresh` skip the lookup but store the new answer.
   */
  modeFor(request: ChatRequest, headers: Headers): CacheMode {
    const asked = headers.get('x-switchboard-cache')?.trim().toLowerCase();
    const cacheControl = (headers.get('cache-control') ?? '').toLowerCase();
    if (asked === 'skip' || cacheControl.includes('no-store')) return 'skip';
    const configured =
      this.config.enabled &&
      (this.config.models.length === 0 || matchesAnyModelPattern(request.model, this.config.models));
    if (!configured && asked !== 'use' && asked !== 'refresh') return 'skip';
    if (asked === 'refresh' || cacheControl.includes('no-cache')) return 'refresh';
    return 'use';
  }

  /** The store key of a request for one key id (`undefined`: a static gateway key or an open gateway). */
  async keyFor(request: ChatRequest, keyId: string | undefined): Promise<string> {
    const normalized: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(request)) {
      if (value !== null && value !== undefined && !ignoredFields.has(field)) normalized[field] = value;
    }
    const scope = this.config.shareAcrossKeys ? '*' : (keyId ?? '-');
    return `cache:chat:${await sha256Hex(`${scope}\n${stableJson(normalized)}`)}`;
  }

  async get(key: string): Promise<CachedAnswer | undefined> {
    const text = await this.keyValue.get(key);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as CachedAnswer;
    } catch {
      return undefined;
    }
  }

  /** Stores an answer unless it is larger than `maxEntryBytes`; says whether it did. */
  async put(key: string, answer: NewCachedAnswer): Promise<boolean> {
    const text = JSON.stringify({ ...answer, storedAt: this.now() });
    if (encoder.encode(text).length > this.config.maxEntryBytes) return false;
    await this.keyValue.set(key, text, { ttlMs: this.config.ttlSeconds * 1000 });
    return true;
  }
}

/** A reader over chunks already in memory, for replaying a cached stream through the normal SSE writer. */
export function replayChunks(chunks: ChatCompletionChunk[]): {
  read(): Promise<ReadableStreamReadResult<ChatCompletionChunk>>;
  cancel(): Promise<void>;
} {
  let index = 0;
  return {
    read: async () =>
      index < chunks.length
        ? { done: false, value: chunks[index++] as ChatCompletionChunk }
        : { done: true, value: undefined },
    cancel: async () => {
      index = chunks.length;
    },
  };
}
