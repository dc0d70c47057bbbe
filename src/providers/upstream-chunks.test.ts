import { describe, expect, it } from 'vitest';
import { GatewayError } from '../canonical/index.ts';
import { MAX_SSE_EVENT_LENGTH } from '../streaming/sse-event.ts';
import { openAIStreamToChunks } from './openai/openai-stream-to-chunks.ts';
import type { ProviderDefinition } from './provider-adapter.ts';
import { upstreamChunks } from './upstream-chunks.ts';

const defaults = { id: 'chatcmpl-1', created: 1, model: 'm', provider: 'endless' };
const provider: ProviderDefinition = {
  id: 'endless',
  type: 'openai',
  baseUrl: 'http://127.0.0.1:9/v1',
  apiKey: 'sk-upstream-secret-0001',
  models: [],
  aliases: {},
  discover: false,
  source: 'config',
};

const sse = (text: string) => new Response(text, { headers: { 'content-type': 'text/event-stream' } });

describe('upstreamChunks', () => {
  it('an upstream sending one endless line fails with a retryable 502 once it passes the bound, and is cancelled', async () => {
    const megabyte = new TextEncoder().encode('x'.repeat(1 << 20));
    let sent = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(sent === 0 ? new TextEncoder().encode('data: ') : megabyte);
        sent++;
      },
      cancel() {
        cancelled = true;
      },
    });
    const chunks = upstreamChunks(
      new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
      provider,
      new AbortController().signal,
      openAIStreamToChunks(defaults),
    );
    const failure = await chunks
      .getReader()
      .read()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({
      status: 502,
      code: 'upstream_event_too_large',
      provider: 'endless',
      isRetryable: true,
    });
    expect(cancelled).toBe(true);
    expect(sent).toBeLessThanOrEqual(MAX_SSE_EVENT_LENGTH / (1 << 20) + 3);
  }, 20_000);

  it("an upstream error event that echoes the provider's key reaches nobody with the key in it", async () => {
    const echo = `data: {"error":{"message":"Invalid API key: ${provider.apiKey}","type":"invalid_request_error"}}\n\n`;
    const chunks = upstreamChunks(sse(echo), provider, new AbortController().signal, openAIStreamToChunks(defaults));
    const failure = (await chunks
      .getReader()
      .read()
      .catch((error: unknown) => error)) as GatewayError;
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure.message).toContain('Invalid API key: [redacted]');
    expect(failure.message).not.toContain(provider.apiKey);
    expect(failure).toMatchObject({ status: 502, provider: 'endless', isRetryable: true });
  });
});
