import { GatewayError } from '../../canonical/index.ts';
import { readRetryAfter } from '../read-retry-after.ts';
import type { UpstreamErrorMapper } from '../send-upstream-request.ts';

/**
 * An OpenAI-format error (status + `{"error":{message,type,param,code}}`) as a `GatewayError`. The upstream's own
 * 4xx status and message reach the client; 5xx become 502 (the gateway's upstream failed) except 503/504, which keep
 * their meaning. Retry rules follow openai-node: `x-should-retry` wins, then 408/409/429/5xx, never
 * `insufficient_quota` (wire-formats §1.8).
 */
export const mapOpenAIError: UpstreamErrorMapper = ({ status, bodyText, headers, provider, now }) => {
  const parsed = parseErrorBody(bodyText);
  const message = parsed.message ?? (bodyText.trim().slice(0, 300) || `HTTP ${status}`);
  const shouldRetry = headers.get('x-should-retry');
  let isRetryable = status === 408 || status === 409 || status === 429 || status >= 500;
  if (parsed.code === 'insufficient_quota' || parsed.type === 'insufficient_quota') isRetryable = false;
  if (shouldRetry === 'true') isRetryable = true;
  if (shouldRetry === 'false') isRetryable = false;
  return new GatewayError({
    status: clientStatusFor(status),
    message: `${message} (provider '${provider.id}')`,
    type: parsed.type ?? undefined,
    code: parsed.code ?? (status >= 500 ? 'upstream_error' : null),
    param: parsed.param ?? null,
    isRetryable,
    provider: provider.id,
    retryAfterMs: readRetryAfter(headers, now),
  });
};

/** Upstream 4xx pass through; an upstream 500 is the gateway's 502 (bad gateway); 503 and 504 keep their meaning. */
export function clientStatusFor(upstreamStatus: number): number {
  if (upstreamStatus >= 400 && upstreamStatus < 500) return upstreamStatus;
  if (upstreamStatus === 503 || upstreamStatus === 504) return upstreamStatus;
  return 502;
}

type ParsedError = { message?: string; type?: string; code?: string; param?: string };

export function parseErrorBody(bodyText: string): ParsedError {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return {};
  }
  if (typeof body !== 'object' || body === null) return {};
  const error = (body as { error?: unknown }).error;
  // Some compatible servers send {"error": "text"} (Ollama) or {"message": "..."} (vLLM, llama.cpp variants).
  if (typeof error === 'string') return { message: error };
  const source = (typeof error === 'object' && error !== null ? error : body) as Record<string, unknown>;
  return {
    message: typeof source.message === 'string' ? source.message : undefined,
    type: typeof source.type === 'string' ? source.type : undefined,
    code:
      typeof source.code === 'string' ? source.code : typeof source.code === 'number' ? String(source.code) : undefined,
    param: typeof source.param === 'string' ? source.param : undefined,
  };
}
