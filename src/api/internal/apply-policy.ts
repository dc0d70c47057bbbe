import type { Context } from 'hono';
import type { AppDeps } from '../../app-deps.ts';
import { type ChatRequest, GatewayError, type Usage } from '../../canonical/index.ts';
import { estimateChatRequest } from '../../policy/estimate-request.ts';
import {
  admitRequest,
  type ChatAdmission,
  type Policy,
  type RequestEstimate,
  settlingSink,
} from '../../policy/policy.ts';
import type { UsageTap } from '../../policy/relayed-usage.ts';
import type { AttemptRecord } from '../../routing/execute-with-fallback.ts';
import { computeCost } from '../../telemetry/compute-cost.ts';
import { priceCatalogFor } from '../../telemetry/price-catalog.ts';
import type { InboundFormat, RequestRecord } from '../../telemetry/request-record.ts';
import type { GatewayEnv } from '../gateway-env.ts';
import { runInBackground } from './run-in-background.ts';

/**
 * Which upstream answered a relayed request (its cost is the usage at that provider's price for that model), and what
 * the request record of a relayed request says about how it went.
 */
export type AnswerOrigin = {
  provider: string;
  model: string;
  attempts?: AttemptRecord[];
  overheadMs?: number;
  /** The usage is the gateway's estimate (an upstream that reports none). */
  usageEstimated?: boolean;
};

/**
 * One request's hold on its virtual key's rate limits and budgets, for every inbound route. Without a policy or a
 * virtual key (static keys, open gateways) every method is a no-op and `runDeps` is `deps`.
 */
export type PolicyHold = {
  admission: ChatAdmission | undefined;
  /** Runs work after the response without holding it (Workers' `waitUntil`). */
  background: (work: Promise<unknown>) => void;
  /** `deps` for `runChatRequest`: its request record settles the hold when the request ends (stream: at its end). */
  runDeps: AppDeps;
  /** Settles from a request record the route made itself (a cache hit). */
  settleRecord(record: RequestRecord): void;
  /**
   * Settles a request that made no request record (native pass-through, embeddings) from the usage its answer
   * reported; none (an upstream that reports none, a stream cut before its usage): the estimate stands.
   */
  settle(usage: Usage | undefined, origin?: AnswerOrigin): void;
  /** Relayed SSE bytes, unchanged, that settle from `tap`'s usage when the stream ends, fails or the client leaves. */
  meter(body: ReadableStream<Uint8Array>, tap: UsageTap, origin: AnswerOrigin): ReadableStream<Uint8Array>;
  /** `work`, but a failure (no answer reached the client) gives the whole reservation back before it is rethrown. */
  guard<T>(work: Promise<T>): Promise<T>;
};

/**
 * Reserves the request's virtual-key limits and budgets before the call (429 / 402 `PolicyRefusal`, rendered in the
 * route's own error dialect by the error handler) and puts the `x-ratelimit-*` headers on its response. The model
 * check (`assertModelAllowed`, 403) is the route's, made as soon as the body names the model.
 */
export async function admitInbound(
  deps: AppDeps,
  policy: Policy | undefined,
  c: Context<GatewayEnv>,
  inbound: InboundFormat,
  request: ChatRequest | RequestEstimate,
): Promise<PolicyHold> {
  const key = c.get('virtualKey');
  const startedAt = deps.now();
  const startedAtMonotonic = performance.now();
  let admission: ChatAdmission | undefined;
  let estimate: RequestEstimate | undefined;
  try {
    // Only a virtual key has limits and budgets to reserve: without one, the request is not even estimated.
    if (policy && key) {
      estimate = isEstimate(request) ? request : estimateChatRequest(request, deps.config.limits.defaultMaxTokens);
      admission = await admitRequest(policy, deps.config.limits, key, estimate);
    }
  } catch (error) {
    // A refused request (429, 402) is a request all the same: the log and the metrics count it.
    if (error instanceof GatewayError)
      deps.telemetry?.record(refusedRecord(c, inbound, request.model, startedAt, error));
    throw error;
  }
  const background = (work: Promise<unknown>) => runInBackground(deps, c, work);
  /**
   * The request record of a request that did not run through `runChatRequest` (native pass-through, embeddings): the
   * request log and metrics see it like any other; the policy settles from it.
   */
  const relayedRecord = (usage: Usage | undefined, origin: AnswerOrigin | undefined, stream: boolean) => {
    const keyId = c.get('keyId');
    const record: RequestRecord = {
      requestId: c.get('requestId'),
      startedAt,
      ...(keyId ? { keyId } : {}),
      inbound,
      modelAsked: request.model,
      stream,
      ...(origin ? { provider: origin.provider, modelUsed: origin.model } : {}),
      attempts: origin?.attempts ?? [],
      status: 200,
      latencyMs: Math.round((performance.now() - startedAtMonotonic) * 100) / 100,
      ...(origin?.overheadMs === undefined ? {} : { overheadMs: origin.overheadMs }),
    };
    if (usage) {
      record.usage = usage;
      record.usageSource = origin?.usageEstimated ? 'estimated' : 'upstream';
      const price = origin && priceCatalogFor(deps).priceOf(origin.provider, origin.model);
      if (price) record.costUsd = computeCost(usage, price);
    }
    return record;
  };
  if (!admission || !estimate) {
    const publish = (usage: Usage | undefined, origin: AnswerOrigin | undefined, stream: boolean) =>
      deps.telemetry?.record(relayedRecord(usage, origin, stream));
    return {
      admission,
      background,
      runDeps: deps,
      settleRecord: () => undefined,
      settle: (usage, origin) => publish(usage, origin, false),
      meter: (body, tap, origin) => meterStream(body, tap, () => publish(tap.usage(), origin, true)),
      guard: (work) => work,
    };
  }
  c.set('rateLimitHeaders', admission.headers);
  const settleRecord = (record: RequestRecord) => background(admission.settle(record));
  const estimated: Usage = {
    prompt_tokens: estimate.promptTokens,
    completion_tokens: estimate.outputTokens,
    total_tokens: estimate.promptTokens + estimate.outputTokens,
  };
  const settle = (usage: Usage | undefined, origin: AnswerOrigin | undefined, stream: boolean) => {
    const record = relayedRecord(usage, origin, stream);
    deps.telemetry?.record(record);
    // No usage reported: the policy charges the estimate (a client cannot dodge its budget by cutting a stream).
    settleRecord(usage ? record : { ...record, usage: estimated, usageSource: 'estimated' });
  };
  return {
    admission,
    background,
    runDeps: { ...deps, telemetry: settlingSink(deps.telemetry, admission, background) },
    settleRecord,
    settle: (usage, origin) => settle(usage, origin, false),
    meter: (body, tap, origin) => meterStream(body, tap, () => settle(tap.usage(), origin, true)),
    guard: (work) =>
      work.catch((error: unknown) => {
        background(admission.release());
        throw error;
      }),
  };
}

function refusedRecord(
  c: Context<GatewayEnv>,
  inbound: InboundFormat,
  model: string,
  startedAt: number,
  error: GatewayError,
): RequestRecord {
  const keyId = c.get('keyId');
  return {
    requestId: c.get('requestId'),
    startedAt,
    ...(keyId ? { keyId } : {}),
    inbound,
    modelAsked: model,
    stream: false,
    attempts: [],
    status: error.status,
    latencyMs: 0,
    error: { type: error.type, code: error.code, message: error.message },
  };
}

function isEstimate(request: ChatRequest | RequestEstimate): request is RequestEstimate {
  return typeof request.promptTokens === 'number' && !('messages' in request);
}

/** The bytes of `body`, unchanged, each shown to `tap`; `onEnd` once, when it ended, failed or was cancelled. */
function meterStream(body: ReadableStream<Uint8Array>, tap: UsageTap, onEnd: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          end();
          return;
        }
        tap.feed(value);
        controller.enqueue(value);
      } catch (error) {
        end();
        controller.error(error);
      }
    },
    async cancel(reason) {
      end();
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}
