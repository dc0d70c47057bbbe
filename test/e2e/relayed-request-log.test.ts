import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAnthropic, startFakeAnthropic } from '../fakes/fake-anthropic-server.ts';
import { type FakeEmbeddings, startFakeEmbeddings } from '../fakes/fake-embeddings-server.ts';
import { type SpawnedGateway, spawnGateway } from '../support/spawn-gateway.ts';

const gatewayKey = 'sk-gw-relayed-log-01';
const adminKey = 'sk-admin-relayed-log-0001';

type LoggedRecord = {
  requestId: string;
  inbound: string;
  stream: boolean;
  provider?: string;
  status: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
  usageSource?: string;
  attempts: unknown[];
};

/** Native pass-through and embeddings answers are relayed, not run through the chat path: they are logged all the same. */
describe('the request log sees relayed requests', () => {
  let anthropic: FakeAnthropic;
  let embeddings: FakeEmbeddings;
  let gateway: SpawnedGateway;

  beforeAll(async () => {
    anthropic = await startFakeAnthropic({ pageSize: 10 });
    anthropic.respondWith(() => ({ kind: 'message', text: 'relayed', usage: { input_tokens: 12, output_tokens: 3 } }));
    embeddings = await startFakeEmbeddings();
    gateway = await spawnGateway({
      config: {
        auth: { keys: [gatewayKey], adminKey },
        providers: [
          { id: 'claude', type: 'anthropic', baseUrl: anthropic.baseUrl, apiKey: 'sk-ant-upstream' },
          { id: 'vectors', type: 'openai', baseUrl: embeddings.baseUrl },
        ],
        telemetry: { log: { backend: 'memory' } },
      },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await anthropic?.close();
    await embeddings?.close();
  });

  async function logged(requestId: string): Promise<LoggedRecord | undefined> {
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      const response = await fetch(`${gateway.url}/admin/logs`, { headers: { authorization: `Bearer ${adminKey}` } });
      const body = (await response.json()) as { data: LoggedRecord[] };
      const found = body.data.find((record) => record.requestId === requestId);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  }

  it('logs native Anthropic answers, whole and streamed, with the upstream usage', async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: gatewayKey, maxRetries: 0 });
    const model = 'claude-sonnet-4-5-20250929';
    await client.messages.create(
      { model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-request-id': 'req_native_json' } },
    );
    const stream = client.messages.stream(
      { model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-request-id': 'req_native_stream' } },
    );
    await stream.finalMessage();
    const whole = await logged('req_native_json');
    expect(whole).toMatchObject({ inbound: 'anthropic-messages', stream: false, provider: 'claude', status: 200 });
    expect(whole?.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3 });
    expect(whole?.attempts).toHaveLength(1);
    const streamed = await logged('req_native_stream');
    expect(streamed).toMatchObject({
      inbound: 'anthropic-messages',
      stream: true,
      provider: 'claude',
      usageSource: 'upstream',
    });
    expect(streamed?.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3 });
  });

  it('logs a request a rate limit refused', async () => {
    const created = await fetch(`${gateway.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'tight', limits: { requestsPerMinute: 1 } }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    const client = new Anthropic({ baseURL: gateway.url, apiKey: secret, maxRetries: 0 });
    const ask = (requestId: string) =>
      client.messages.create(
        { model: 'claude-sonnet-4-5-20250929', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-request-id': requestId } },
      );
    await ask('req_admitted');
    await expect(ask('req_refused')).rejects.toMatchObject({ status: 429 });
    expect(await logged('req_refused')).toMatchObject({ status: 429, inbound: 'anthropic-messages' });
  });

  it('logs embeddings requests', async () => {
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gatewayKey, maxRetries: 0 });
    await client.embeddings.create(
      { model: 'text-embedding-3-small', input: ['one', 'two'] },
      { headers: { 'x-request-id': 'req_embeddings' } },
    );
    const record = await logged('req_embeddings');
    expect(record).toMatchObject({ inbound: 'openai-embeddings', stream: false, provider: 'vectors', status: 200 });
    expect(record?.usage?.prompt_tokens).toBeGreaterThan(0);
  });
});
