import { createApp } from '../../src/app.ts';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, Usage } from '../../src/canonical/index.ts';
import { parseGatewayConfig } from '../../src/config/parse-gateway-config.ts';
import type { ProviderAdapter } from '../../src/providers/provider-adapter.ts';
import type { RequestRecord } from '../../src/telemetry/request-record.ts';
import { offlineDeps } from './offline-deps.ts';

export const staticKey = 'sk-gw-policy-test-0001';
export const adminKey = 'admin-key-for-policy-tests-0001';

export type Upstream = {
  /** Milliseconds each call takes before it answers (so parallel requests overlap). */
  delayMs?: number;
  /** Usage the upstream reports (in the last chunk of a stream). */
  usage?: Usage;
  content?: string;
};

/** A gateway over fake OpenAI-format adapters (providers `fake` and `backup`), memory stores, nothing leaves the process. */
export function policyGateway(config: Record<string, unknown> = {}, upstream: Upstream = {}) {
  const calls: Array<{ provider: string; request: ChatRequest }> = [];
  const records: RequestRecord[] = [];
  const usage = upstream.usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  let counter = 0;
  const adapter: ProviderAdapter = {
    format: 'openai',
    listModels: async () => [{ id: 'gpt-4o-mini' }, { id: 'gpt-4o' }, { id: 'claude-3-haiku' }],
    async chatCompletion(provider, request) {
      calls.push({ provider: provider.id, request });
      if (upstream.delayMs) await new Promise((resolve) => setTimeout(resolve, upstream.delayMs));
      const id = `chatcmpl-${++counter}`;
      const content = upstream.content ?? `answer ${counter}`;
      if (!request.stream) {
        const response: ChatCompletion = {
          id,
          object: 'chat.completion',
          created: 1,
          model: request.model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage,
        };
        return { stream: false, response, headers: new Headers() };
      }
      const base = { id, object: 'chat.completion.chunk' as const, created: 1, model: request.model };
      const chunks: ChatCompletionChunk[] = [
        { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
        ...content.split(' ').map((word, index) => ({
          ...base,
          choices: [{ index: 0, delta: { content: index === 0 ? word : ` ${word}` }, finish_reason: null }],
        })),
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
        // Usage only in the very last chunk, as OpenAI sends it with stream_options.include_usage.
        { ...base, choices: [], usage },
      ];
      return {
        stream: true,
        headers: new Headers(),
        chunks: new ReadableStream<ChatCompletionChunk>({
          pull(controller) {
            const next = chunks.shift();
            if (next) controller.enqueue(next);
            else controller.close();
          },
        }),
      };
    },
  };
  const parsed = parseGatewayConfig(
    JSON.stringify({
      auth: { keys: [staticKey], adminKey },
      providers: [
        { id: 'fake', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
        { id: 'backup', type: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
      ],
      routing: { retries: 0, timeoutMs: 5_000 },
      ...config,
    }),
    {},
  );
  const settling: Array<Promise<unknown>> = [];
  const deps = offlineDeps(parsed, adapter, {
    // One counter for the adapter's answers and the gateway's ids, as the tests have always numbered them.
    generateId: (prefix) => `${prefix}${++counter}`,
    telemetry: { record: (record) => records.push(record) },
    waitUntil: (work) => settling.push(work),
  });
  const app = createApp(deps);
  const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
    app.request(path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const chat = (key: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], ...body }),
    });
  /** Creates a virtual key through the admin API; returns its id and secret. */
  const createKey = async (input: Record<string, unknown> = {}) => {
    const response = await admin('/admin/keys', { method: 'POST', body: input });
    if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: string; secret: string } & Record<string, unknown>;
  };
  /** Waits for background settlement (it never blocks a response). */
  const settled = async () => {
    for (let round = 0; round < 5; round++) {
      await Promise.all(settling.splice(0));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { app, deps, stores: deps.stores, calls, records, admin, chat, createKey, settled, staticKey };
}
