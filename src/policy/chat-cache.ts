import type { ChatCompletion, ChatCompletionChunk, ChatRequest, Usage } from '../canonical/index.ts';
import type { ChunkReader } from '../streaming/observe-chunk-reader.ts';
import { tapChunkReader } from '../streaming/tap-chunk-reader.ts';
import { type RecordContext, type RequestRecord, startRequestRecord } from '../telemetry/request-record.ts';
import type { Policy } from './policy.ts';
import { costOfRecord } from './policy.ts';
import { type CachedAnswer, type CacheMode, replayChunks } from './response-cache.ts';

/** The answer a chat-style route writes (the shape `runChatRequest` gives). */
export type ChatAnswer =
  | { stream: false; response: ChatCompletion }
  | { stream: true; first: ChatCompletionChunk; rest: ChunkReader<ChatCompletionChunk> };

/** What the cache said about one request: how it is used, its entry's key, and the entry when there is one. */
export type ChatCacheLookup = { mode: CacheMode; key?: string; hit?: CachedAnswer };

/**
 * The cache side of a chat-style route, usable by every inbound route that runs canonical requests:
 * `lookUpChatCache` before the call; on a hit `answerFromCache` + `cacheHitRecord`; on a miss `storeWhenComplete`
 * around the answer `runChatRequest` gave. A broken cache backend never fails a request: it reads as a miss.
 */
export async function lookUpChatCache(
  policy: Policy,
  request: ChatRequest,
  headers: Headers,
  keyId: string | undefined,
): Promise<ChatCacheLookup> {
  const mode = policy.cache.modeFor(request, headers);
  if (mode === 'skip') return { mode };
  try {
    const key = await policy.cache.keyFor(request, keyId);
    if (mode === 'refresh') return { mode, key };
    const hit = await policy.cache.get(key);
    // A stream is replayed only for a stream request and a whole answer only for a non-stream one (the key says so).
    return hit ? { mode, key, hit } : { mode, key };
  } catch {
    return { mode: 'skip' };
  }
}

/** A cached entry as the answer a route writes: the same completion, or the same chunks through the same writer. */
export function answerFromCache(hit: CachedAnswer): ChatAnswer {
  if (hit.kind === 'json') return { stream: false, response: hit.response };
  const [first, ...rest] = hit.chunks;
  return { stream: true, first: first as ChatCompletionChunk, rest: replayChunks(rest) };
}

/** The request record of a hit: no upstream, cost 0, what the upstream would have charged as `cacheSavedUsd`. */
export function cacheHitRecord(
  policy: Policy,
  hit: CachedAnswer,
  request: ChatRequest,
  context: RecordContext & { latencyMs: number },
): RequestRecord {
  const usage = usageOf(hit);
  const record = startRequestRecord(request, context);
  record.status = 200;
  record.latencyMs = context.latencyMs;
  record.cacheHit = true;
  record.costUsd = 0;
  if (hit.provider) record.provider = hit.provider;
  if (hit.model) record.modelUsed = hit.model;
  if (usage) {
    record.usage = usage;
    record.usageSource = 'upstream';
    const saved = costOfRecord(policy.pricing, record);
    if (saved !== undefined) record.cacheSavedUsd = saved;
  }
  return record;
}

/**
 * Stores a miss once it is complete: a whole answer at once, a stream when it ended cleanly (an error, a cancel or an
 * entry over `maxEntryBytes` stores nothing). Chunks are kept as they are, so a replay is byte-identical.
 */
export function storeWhenComplete(
  policy: Policy,
  lookup: ChatCacheLookup,
  answer: ChatAnswer,
  origin: { provider: string; model: string },
  background: (work: Promise<unknown>) => void,
  maxEntryBytes: number,
): ChatAnswer {
  const key = lookup.key;
  if (lookup.mode === 'skip' || key === undefined) return answer;
  if (!answer.stream) {
    background(policy.cache.put(key, { kind: 'json', response: answer.response, ...origin }));
    return answer;
  }
  const chunks: ChatCompletionChunk[] = [answer.first];
  let size = JSON.stringify(answer.first).length;
  return {
    ...answer,
    rest: tapChunkReader(answer.rest, {
      onChunk: (chunk) => {
        if (size > maxEntryBytes) return;
        size += JSON.stringify(chunk).length;
        chunks.push(chunk);
      },
      onEnd: ({ error, cancelled }) => {
        if (error !== undefined || cancelled || size > maxEntryBytes) return;
        background(policy.cache.put(key, { kind: 'stream', chunks, ...origin }));
      },
    }),
  };
}

function usageOf(hit: CachedAnswer): Usage | undefined {
  if (hit.kind === 'json') return hit.response.usage ?? undefined;
  for (let index = hit.chunks.length - 1; index >= 0; index--) {
    const usage = hit.chunks[index]?.usage;
    if (usage) return usage;
  }
  return undefined;
}
