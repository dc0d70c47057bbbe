import type { EmbeddingsRequest } from '../canonical/embeddings-request.ts';
import type { EmbeddingsResponse } from '../canonical/embeddings-response.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../canonical/index.ts';

/**
 * The contract every wire format implements. One adapter per format (`openai`, `anthropic`, `gemini`); vendors that
 * speak a format are presets (data), not adapters.
 *
 * Rules every adapter follows:
 * - It is the only file of its folder that does I/O, and only through `context.fetch` with `context.signal`.
 * - Errors are thrown as `GatewayError` (status mapped to the OpenAI meaning, `isRetryable`, `provider`,
 *   `retryAfterMs` from `retry-after` / `retry-after-ms`). Network failures are 502 and retryable.
 * - A stream is a `ReadableStream` of canonical chunks. It always asks the upstream for usage and, when usage is
 *   known, ends with a usage chunk (`choices: []`); the route drops it if the client did not ask for it.
 *   It closes only after the upstream's own terminator; an upstream error event or a truncated stream makes the
 *   stream error with a `GatewayError`, never a silent close. Cancelling it aborts the upstream request.
 */
export interface ProviderAdapter {
  readonly format: ProviderFormat;
  /** The models the upstream serves, from its own list endpoint (all pages). */
  listModels(provider: ProviderDefinition, context: AdapterContext): Promise<DiscoveredModel[]>;
  /** One call upstream. `request.model` is already the upstream's model id. */
  chatCompletion(provider: ProviderDefinition, request: ChatRequest, context: AdapterContext): Promise<ChatCallResult>;
  /**
   * Optional: the OpenAI Responses API spoken natively, for `POST /v1/responses` pass-through. Formats without it
   * (and providers its `supports` turns down) get Responses requests translated through `chatCompletion`.
   */
  readonly responses?: NativeResponsesSupport;
  /**
   * One embeddings call upstream, for formats that embed (absent: the format serves no embeddings). `request.model`
   * is already the upstream's model id. All inputs go in one upstream call where the upstream allows it, and the
   * answer has one vector per input, as numbers, in input order with `index` set. The upstream is always asked for
   * floats: the route encodes base64 itself. Token-id input is refused with a 400 (`param: input`) by formats that
   * only take text.
   */
  embeddings?(
    provider: ProviderDefinition,
    request: EmbeddingsRequest,
    context: AdapterContext,
  ): Promise<EmbeddingsResult>;
  /**
   * Optional, only for formats that speak the Anthropic Messages API (`anthropic`): the native pass-through of the
   * inbound `/v1/messages` and `/v1/messages/count_tokens`. Sends `call.body` as-is (the caller already set the
   * upstream model id) with the provider's own key, never the client's, and only the client's `anthropic-version` and
   * `anthropic-beta` headers, so `cache_control`, thinking signatures and beta features survive. Non-2xx answers are
   * thrown as `GatewayError` like `chatCompletion`; the caller reads the body (JSON or SSE bytes) unchanged.
   */
  forwardAnthropicMessages?(
    provider: ProviderDefinition,
    call: AnthropicForwardCall,
    context: AdapterContext,
  ): Promise<Response>;
}

/** One native Anthropic call: which endpoint, the client's body (model replaced), the client's request headers. */
export type AnthropicForwardCall = {
  endpoint: 'messages' | 'count_tokens';
  body: Record<string, unknown>;
  headers: Headers;
};

/** Native OpenAI Responses API support (`ProviderAdapter.responses`). */
export type NativeResponsesSupport = {
  /** Whether this provider is the real Responses API (stored state, built-in tools), not just the Chat format. */
  supports(provider: ProviderDefinition): boolean;
  /**
   * Sends a Responses body as it came (`body.model` already the upstream's id) to the provider's `/responses` and
   * returns its 2xx answer unread, JSON or SSE; any other status is thrown as a `GatewayError`.
   */
  forward(provider: ProviderDefinition, body: Record<string, unknown>, context: AdapterContext): Promise<Response>;
};

export type ProviderFormat = 'openai' | 'anthropic' | 'gemini';

/** A provider as configured (or auto-configured from a preset), ready to call. */
export type ProviderDefinition = {
  /** Unique id; also the model prefix (`id/model`). */
  id: string;
  type: ProviderFormat;
  /** Base URL without a trailing slash, e.g. `https://api.openai.com/v1`, `https://api.anthropic.com`. */
  baseUrl: string;
  apiKey?: string;
  /** Static extra headers sent upstream (from config). */
  headers?: Record<string, string>;
  /** Static models added to what discovery finds. */
  models: string[];
  /** Names clients may use for an upstream model of this provider: alias → upstream model id. */
  aliases: Record<string, string>;
  /** Whether the model list endpoint is asked. */
  discover: boolean;
  /** Azure OpenAI: deployment-style URLs and the `api-key` header. */
  azure?: { apiVersion: string };
  /** Where the provider came from, for the start-up table. */
  source: 'config' | 'env' | 'local';
};

export type DiscoveredModel = {
  id: string;
  kind?: 'chat' | 'embedding';
  created?: number;
  ownedBy?: string;
  displayName?: string;
  contextLength?: number;
  /** USD per million tokens, when the list says (OpenRouter's `pricing`, converted from per-token prices). */
  pricing?: { input: number; output: number; cachedInput?: number };
};

export type AdapterContext = {
  fetch: typeof fetch;
  /** Aborts on client disconnect and on the request's deadline. */
  signal: AbortSignal;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** A fresh id with the given prefix, e.g. `chatcmpl-`, `call_`. */
  generateId: (prefix: string) => string;
};

export type EmbeddingsResult = {
  response: EmbeddingsResponse;
  headers: Headers;
  /** True when the upstream reported no token counts and `usage` is the gateway's estimate. */
  usageEstimated?: boolean;
};

export type ChatCallResult =
  | { stream: false; response: ChatCompletion; headers: Headers }
  | { stream: true; chunks: ReadableStream<ChatCompletionChunk>; headers: Headers };
