import { describe, expect, it } from 'vitest';
import { accessLogFields } from '../../src/telemetry/access-log-sink.ts';
import { recordToOtlpSpans } from '../../src/telemetry/record-to-otlp-spans.ts';
import { adminKey, chat, type ObservabilityGateway, observabilityGateway } from '../support/observability-gateway.ts';

const admin = { authorization: `Bearer ${adminKey}` };

/** One non-stream answer ("hello there") and one stream ("Hel" + "lo"), both for "a secret prompt". */
async function drive(gateway: ObservabilityGateway): Promise<void> {
  for (const stream of [false, true]) {
    const response = await gateway.app.request('/v1/chat/completions', chat('gpt-4o-mini', stream));
    expect(response.status).toBe(200);
    await response.text();
  }
  await gateway.settle();
}

async function logs(gateway: ObservabilityGateway, query = ''): Promise<Array<Record<string, unknown>>> {
  const response = await gateway.app.request(`/admin/logs${query}`, { headers: admin });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Array<Record<string, unknown>> }).data;
}

describe('request and completion bodies in the request log', () => {
  it('are not kept by default: no text anywhere in the stored record', async () => {
    const gateway = observabilityGateway();
    await drive(gateway);
    const stored = await gateway.telemetry.logStore?.query({ limit: 10, bodies: true });
    expect(stored?.records).toHaveLength(2);
    for (const record of stored?.records ?? []) {
      expect(record).not.toHaveProperty('requestBody');
      expect(record).not.toHaveProperty('completionBody');
      expect(JSON.stringify(record)).not.toMatch(/secret prompt|hello there|Hello/);
    }
    for (const record of await logs(gateway, '?bodies=true')) {
      expect(JSON.stringify(record)).not.toMatch(/secret prompt|hello there|Hello/);
    }
  });

  it('are kept when enabled, for whole answers and streams, and served only with ?bodies=true', async () => {
    const gateway = observabilityGateway({ log: { bodies: true } });
    await drive(gateway);
    const [streamed, whole] = await logs(gateway, '?bodies=true');
    expect(JSON.parse(whole?.requestBody as string)).toEqual({
      model: 'gpt-4o-mini',
      stream: false,
      messages: [{ role: 'user', content: 'a secret prompt' }],
    });
    expect(JSON.parse(whole?.completionBody as string)).toEqual({ role: 'assistant', content: 'hello there' });
    expect(JSON.parse(streamed?.requestBody as string)).toMatchObject({
      stream: true,
      messages: [{ role: 'user', content: 'a secret prompt' }],
    });
    expect(JSON.parse(streamed?.completionBody as string)).toEqual({ role: 'assistant', content: 'Hello' });
    // Neither the gateway key nor any header is part of a body.
    expect(JSON.stringify([streamed, whole])).not.toMatch(/sk-gw|authorization|content-type/i);

    const light = await logs(gateway);
    expect(light).toHaveLength(2);
    for (const record of light) expect(Object.keys(record)).not.toEqual(expect.arrayContaining(['requestBody']));
    expect(JSON.stringify(light)).not.toMatch(/secret prompt|hello there/);
    const invalid = await gateway.app.request('/admin/logs?bodies=yes', { headers: admin });
    expect(invalid.status).toBe(400);

    // Never in metrics, the access log or traces.
    const metrics = await (await gateway.app.request('/metrics', { headers: admin })).text();
    expect(metrics).not.toMatch(/secret prompt|hello there|Hello/);
    const accessLines = gateway.logged.filter((line) => line.event === 'request');
    expect(accessLines).toHaveLength(2);
    expect(JSON.stringify(accessLines)).not.toMatch(/secret prompt|hello there|Hello/);
    const stored = await gateway.telemetry.logStore?.query({ limit: 10, bodies: true });
    for (const record of stored?.records ?? []) {
      expect(record.requestBody).toContain('a secret prompt');
      expect(JSON.stringify(accessLogFields(record))).not.toContain('secret prompt');
      expect(JSON.stringify(recordToOtlpSpans(record))).not.toMatch(/secret prompt|hello there/);
    }
  });

  it('are cut at telemetry.log.maxBodyBytes', async () => {
    const gateway = observabilityGateway({ log: { bodies: true, maxBodyBytes: 256 } });
    const long = 'x'.repeat(2_000);
    const response = await gateway.app.request('/v1/chat/completions', {
      ...chat('gpt-4o-mini'),
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: long }] }),
    });
    expect(response.status).toBe(200);
    await response.text();
    await gateway.settle();
    const [record] = await logs(gateway, '?bodies=true');
    const body = record?.requestBody as string;
    expect(body).toMatch(/…\[truncated: \d+ bytes, 256 kept\]$/);
    expect(body.length).toBeLessThan(300);
    expect(JSON.parse(record?.completionBody as string)).toEqual({ role: 'assistant', content: 'hello there' });
  });
});
