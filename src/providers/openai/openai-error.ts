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
    code: parsed.code ?? defaultCodeFor(status),
    param: parsed.param ?? null,
    isRetryable,
    provider: provider.id,
    retryAfterMs: readRetryAfter(headers, now),
  });
};

/** OpenAI's own code for a plain rate limit; a 5xx is the upstream's failure. */
function defaultCodeFor(status: number): string | null {
  if (status === 429) return 'rate_limit_exceeded';
  return status >= 500 ? 'upstream_error' : null;
}

/** Upstream 4xx pass through; an upstream 500 is the gateway's 502 (bad gateway); 503 and 504 keep their meaning. */
export function clientStatusFor(upstreamStatus: number): number {
  if (upstreamStatus >= 400 && upstreamStatus < 500) return upstreamStatus;
  if (upstreamStatus === 503 || upstreamStatus === 504) return upstreamStatus;
  return 502;
}

type ParsedError = { message?: string; type?: string; code?: string; param?: string };

/**
 * The error bodies OpenAI-compatible servers send, read into one shape:
 * - OpenAI, Groq, Together, Ollama `/v1`, LM Studio, newer vLLM: `{"error":{message,type,param,code}}`;
 * - older Ollama and LM Studio: `{"error":"text"}`;
 * - vLLM and Mistral: `{"object":"error","message",…}` at the top level; Mistral's 422 puts the validation details
 *   (an object) in `message`, which is turned into text;
 * - FastAPI-style servers: `{"detail":"text"}` or `{"detail":[{loc,msg}]}`.
 * A `code` that is only the HTTP status again (vLLM, llama.cpp, Perplexity send `400`; Azure `"429"`) carries no
 * meaning and is dropped, so the gateway's own code for the status applies.
 */
export function parseErrorBody(bodyText: string): ParsedError {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return {};
  }
  if (typeof body !== 'object' || body === null) return {};
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return { message: error };
  const source = (typeof error === 'object' && error !== null ? error : body) as Record<string, unknown>;
  const parsed: ParsedError = {};
  const message = describe(source.message) ?? describe(source.detail);
  if (message !== undefined) parsed.message = message;
  if (typeof source.type === 'string' && source.type !== '') parsed.type = source.type;
  if (typeof source.code === 'string' && source.code !== '' && !/^\d+$/.test(source.code)) parsed.code = source.code;
  if (typeof source.param === 'string') parsed.param = source.param;
  return parsed;
}

function describe(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (Array.isArray(value)) {
    const parts = value.map((item) => {
      const record = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
      const where = Array.isArray(record.loc) ? `${record.loc.join('.')}: ` : '';
      return typeof record.msg === 'string' ? `${where}${record.msg}` : JSON.stringify(item);
    });
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const detail = (value as { detail?: unknown }).detail;
    return detail !== undefined ? describe(detail) : JSON.stringify(value);
  }
  return undefined;
}
