import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chat, driveKnownSequence, observabilityGateway } from '../support/observability-gateway.ts';

type Received = { path: string; headers: Record<string, string | string[] | undefined>; body: OtlpBody };
type Attribute = { key: string; value: Record<string, unknown> };
type Span = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attribute[];
  status: { code: number; message?: string };
};
type OtlpBody = {
  resourceSpans: Array<{ resource: { attributes: Attribute[] }; scopeSpans: Array<{ spans: Span[] }> }>;
};

/** A fake OTLP/HTTP collector on 127.0.0.1 that keeps every export it receives. */
let collector: Server;
let endpoint = '';
const received: Received[] = [];

beforeAll(async () => {
  collector = createServer((request, response) => {
    let text = '';
    request.on('data', (data: Buffer) => {
      text += data.toString();
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(text) as OtlpBody });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve));
});

function attributes(span: Span): Record<string, unknown> {
  return Object.fromEntries(span.attributes.map(({ key, value }) => [key, Object.values(value)[0]]));
}

describe('OTLP traces', () => {
  it('exports one server span per request with GenAI attributes and a client span per attempt', async () => {
    received.length = 0;
    const gateway = observabilityGateway({ otlpEndpoint: endpoint });
    await driveKnownSequence(gateway);
    await gateway.telemetry.traces?.flush();
    expect(received.length).toBeGreaterThan(0);
    for (const post of received) {
      expect(post.path).toBe('/v1/traces');
      expect(post.headers['content-type']).toBe('application/json');
      expect(post.headers['x-collector-key']).toBe('c-secret');
    }
    const resource = received[0]?.body.resourceSpans[0]?.resource.attributes ?? [];
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'switchboard' } });
    const spans = received.flatMap((post) =>
      post.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
    );
    const servers = spans.filter((span) => span.kind === 2);
    const clients = spans.filter((span) => span.kind === 3);
    expect(servers).toHaveLength(11);
    expect(clients).toHaveLength(10);
    const ok = servers.find(
      (span) => attributes(span)['switchboard.stream'] === false && span.status.code === 0,
    ) as Span;
    expect(ok.name).toBe('chat gpt-4o-mini');
    expect(ok.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ok.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(BigInt(ok.endTimeUnixNano) >= BigInt(ok.startTimeUnixNano)).toBe(true);
    expect(attributes(ok)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'fake',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': '10',
      'gen_ai.usage.output_tokens': '5',
      'http.response.status_code': '200',
    });
    const child = clients.find((span) => span.parentSpanId === ok.spanId) as Span;
    expect(child).toMatchObject({ traceId: ok.traceId, status: { code: 0 } });
    expect(attributes(child)).toMatchObject({ 'gen_ai.provider.name': 'fake', 'switchboard.attempt': '1' });
    const failed = servers.filter((span) => span.status.code === 2);
    expect(failed).toHaveLength(3);
    const upstream = failed.find((span) => attributes(span)['http.response.status_code'] === '502') as Span;
    expect(attributes(upstream)['error.type']).toBe('upstream_error');
    const failedAttempt = clients.find((span) => span.parentSpanId === upstream.spanId) as Span;
    expect(failedAttempt.status.code).toBe(2);
    expect(JSON.stringify(spans)).not.toContain('a secret prompt');
  });

  it('a collector that is down is logged once and never fails a request', async () => {
    const gateway = observabilityGateway({ otlpEndpoint: 'http://127.0.0.1:9' });
    for (let index = 0; index < 2; index++) {
      const response = await gateway.app.request('/v1/chat/completions', chat('gpt-4o-mini'));
      expect(response.status).toBe(200);
      await gateway.settle();
      await gateway.telemetry.traces?.flush();
    }
    expect(gateway.logged.filter((line) => line.event === 'otlp_export_failed')).toHaveLength(1);
  });
});
