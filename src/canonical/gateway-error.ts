/**
 * The one error type inside the gateway. Providers turn their error bodies into it, the error handler turns it into
 * the OpenAI error body. `isRetryable` drives retries and failover.
 */
export type GatewayErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'server_error'
  | 'upstream_error'
  | 'timeout_error';

export type GatewayErrorOptions = {
  status: number;
  message: string;
  type?: GatewayErrorType | string;
  code?: string | null;
  param?: string | null;
  /** Defaults from the status: 408, 409, 429 and >= 500 are retryable. */
  isRetryable?: boolean;
  /** The provider id the error came from, when it came from one. */
  provider?: string;
  /** Milliseconds the upstream asked us to wait (retry-after / retry-after-ms). */
  retryAfterMs?: number;
  cause?: unknown;
};

export class GatewayError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly isRetryable: boolean;
  readonly provider: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(options: GatewayErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.status = options.status;
    this.type = options.type ?? defaultTypeForStatus(options.status);
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.isRetryable = options.isRetryable ?? isRetryableStatus(options.status);
    this.provider = options.provider;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export function defaultTypeForStatus(status: number): GatewayErrorType {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 504 || status === 408) return 'timeout_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * What a stream that fails after its first byte reports in its closing error event: the `GatewayError` it failed
 * with, or a generic 502 for anything else (a bug, a broken body) whose message must not reach the client.
 */
export function streamFailure(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError({
    status: 502,
    type: 'upstream_error',
    code: 'stream_failed',
    message: 'The upstream stream failed.',
  });
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
