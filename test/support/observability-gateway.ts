import { createApp } from '../../src/app.ts';
import { type AppDeps, type Logger, telemetryDeps } from '../../src/app-deps.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../../src/canonical/index.ts';
import { GatewayError } from '../../src/canonical/index.ts';
import { parseGatewayConfig } from '../../src/config/parse-gateway-config.ts';
import type { ProviderAdapter } from '../../src/providers/provider-adapter.ts';
import type { LogStore } from '../../src/state/log-store.ts';
import { MemoryLogStore } from '../../src/state/memory/memory-log-store.ts';
import { createTelemetry, type Telemetry } from '../../src/telemetry/create-telemetry.ts';
import type { TelemetrySink } from '../../src/telemetry/request-record.ts';
import { offlineDeps } from './offline-deps.ts';

export const gatewayKey = 'sk-gw-observability-01';
export const adminKey = 'sk-admin-observability-0001';

const nonStreamUsage = {
  prompt_tokens: 10,
  completion_tokens: 5,
  total_tokens: 15,
  prompt_tokens_details: { cached_tokens: 4 },
  completion_tokens_details: { reasoning_tokens: 2 },
};
const streamUsage = { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27 };

function chunk(
  model: string,
  delta: ChatCompletionChunk['choices'][number]['delta'],
  extra: Partial<ChatCompletionChunk> = {},
) {
  return {
    id: 'chatcmpl-s',
    object: 'chat.completion.chunk',
    created: 1,
    model,
    choices: [{ index: 0, delta, finish_reason: null }],
    ...extra,
  } as ChatCompletionChunk;
}

/**
 * A fake OpenAI-format adapter: `gpt-4o-mini` answers (streams with a usage chunk), `broken` fails with an upstream
 * 502, `held` streams one chunk and then waits until `release()` is called.
 */
function fakeAdapter(held: { release: () => void }): ProviderAdapter {
  return {
    format: 'openai',
    listModels: async () => [{ id: 'gpt-4o-mini' }, { id: 'broken' }, { id: 'held' }],
    async chatCompletion(_provider, request: ChatRequest) {
      if (request.model === 'broken') {
        throw new GatewayError({ status: 502, type: 'upstream_error', message: 'upstream down', provider: 'fake' });
      }
      if (!request.stream) {
        const response: ChatCompletion = {
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: request.model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'hello there' }, finish_reason: 'stop' }],
          usage: nonStreamUsage,
        };
        return { stream: false, response, headers: new Headers() };
      }
      const model = request.model;
      const chunks = new ReadableStream<ChatCompletionChunk>({
        async start(controller) {
          controller.enqueue(chunk(model, { role: 'assistant', content: 'Hel' }));
          if (model === 'held') await new Promise<void>((resolve) => (held.release = resolve));
          controller.enqueue(chunk(model, { content: 'lo' }));
          controller.enqueue({ ...chunk(model, {}), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
          controller.enqueue({ ...chunk(model, {}), choices: [], usage: streamUsage });
          controller.close();
        },
      });
      return { stream: true, chunks, headers: new Headers() };
    },
  };
}

export type ObservabilityGateway = {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  telemetry: Telemetry;
  logged: Array<{ level: string; event: string; fields?: Record<string, unknown> }>;
  held: { release: () => void };
  /** Waits until every buffered record reached the log store, the metrics and the exporters. */
  settle: () => Promise<void>;
};

/** A whole gateway over the fake adapter, with telemetry as a runtime would build it. */
export function observabilityGateway(
  options: {
    adminKey?: string | null;
    logStore?: LogStore;
    otlpEndpoint?: string;
    extraSink?: TelemetrySink;
    /** `telemetry.log` of the config (bodies, maxBodyBytes…). */
    log?: Record<string, unknown>;
  } = {},
): ObservabilityGateway {
  const logged: ObservabilityGateway['logged'] = [];
  const logger: Logger = {
    info: (event, fields) => logged.push({ level: 'info', event, fields }),
    warn: (event, fields) => logged.push({ level: 'warn', event, fields }),
    error: (event, fields) => logged.push({ level: 'error', event, fields }),
  };
  const held = { release: () => undefined };
  const adapter = fakeAdapter(held);
  const config = parseGatewayConfig(
    JSON.stringify({
      auth: {
        keys: [gatewayKey],
        ...(options.adminKey === null ? {} : { adminKey: options.adminKey ?? adminKey }),
      },
      providers: [{ id: 'fake', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1' }],
      routing: { retries: 0, timeoutMs: 5_000 },
      telemetry: {
        accessLog: true,
        ...(options.log ? { log: options.log } : {}),
        ...(options.otlpEndpoint
          ? { otlp: { endpoint: options.otlpEndpoint, headers: { 'x-collector-key': 'c-secret' } } }
          : {}),
      },
    }),
    {},
  );
  const telemetry = createTelemetry({
    config: config.telemetry,
    logger,
    fetch: globalThis.fetch,
    now: Date.now,
    logStore: options.logStore ?? new MemoryLogStore(),
    flushIntervalMs: 20,
  });
  if (options.extraSink) {
    const inner = telemetry.sink;
    const extra = options.extraSink;
    telemetry.sink = {
      record: (record) => {
        inner.record(record);
        extra.record(record);
      },
      streamStarted: (record) => inner.streamStarted?.(record),
      pending: () => inner.pending?.(),
    };
  }
  const deps = offlineDeps(config, adapter, { logger, ...telemetryDeps(telemetry) });
  const settle = async () => {
    for (let round = 0; round < 20; round++) {
      const pending = telemetry.sink.pending?.();
      if (!pending) return;
      await pending;
    }
  };
  return { app: createApp(deps), deps, telemetry, logged, held, settle };
}

export function chat(model: string, stream = false): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gatewayKey}` },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'a secret prompt' }] }),
  };
}

/** 5 answered, 3 streams with usage, 2 upstream errors, 1 unknown model. */
export async function driveKnownSequence(gateway: ObservabilityGateway): Promise<void> {
  const { app } = gateway;
  for (let index = 0; index < 5; index++) {
    const response = await app.request('/v1/chat/completions', chat('gpt-4o-mini'));
    if (response.status !== 200) throw new Error(`expected 200, got ${response.status}: ${await response.text()}`);
    await response.text();
  }
  for (let index = 0; index < 3; index++) {
    const response = await app.request('/v1/chat/completions', chat('gpt-4o-mini', true));
    const text = await response.text();
    if (!text.includes('[DONE]')) throw new Error(`stream did not end: ${text}`);
  }
  for (let index = 0; index < 2; index++) {
    const response = await app.request('/v1/chat/completions', chat('broken'));
    if (response.status !== 502) throw new Error(`expected 502, got ${response.status}`);
    await response.text();
  }
  const unknown = await app.request('/v1/chat/completions', chat('no-such-model'));
  if (unknown.status !== 404) throw new Error(`expected 404, got ${unknown.status}`);
  await unknown.text();
  await gateway.settle();
}
