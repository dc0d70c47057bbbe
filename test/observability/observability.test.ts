import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app-deps.ts';
import { FanOutSink } from '../../src/telemetry/fan-out-sink.ts';
import type { RequestRecord } from '../../src/telemetry/request-record.ts';
import {
  adminKey,
  chat,
  driveKnownSequence,
  gatewayKey,
  observabilityGateway,
} from '../support/observability-gateway.ts';

const admin = { authorization: `Bearer ${adminKey}` };

/** The value of one series in Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('a known sequence of requests', () => {
  it('is counted exactly by /metrics', async () => {
    const gateway = observabilityGateway();
    await driveKnownSequence(gateway);
    const response = await gateway.app.request('/metrics', { headers: admin });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const ok = 'inbound="openai-chat",model="gpt-4o-mini",provider="fake"';
    expect(sample(text, `switchboard_requests_total{${ok},status="200"}`)).toBe(8);
    expect(
      sample(text, 'switchboard_requests_total{inbound="openai-chat",model="broken",provider="fake",status="502"}'),
    ).toBe(2);
    expect(
      sample(text, 'switchboard_requests_total{inbound="openai-chat",model="none",provider="none",status="404"}'),
    ).toBe(1);
    expect(sample(text, 'switchboard_request_errors_total{type="upstream_error",provider="fake"}')).toBe(2);
    expect(sample(text, 'switchboard_request_errors_total{type="invalid_request_error",provider="none"}')).toBe(1);
    expect(sample(text, 'switchboard_request_duration_seconds_count{model="gpt-4o-mini",provider="fake"}')).toBe(8);
    expect(sample(text, 'switchboard_request_duration_seconds_count{model="broken",provider="fake"}')).toBe(2);
    expect(
      sample(text, 'switchboard_request_duration_seconds_bucket{model="gpt-4o-mini",provider="fake",le="+Inf"}'),
    ).toBe(8);
    expect(sample(text, 'switchboard_time_to_first_token_seconds_count{model="gpt-4o-mini",provider="fake"}')).toBe(3);
    expect(sample(text, 'switchboard_gateway_overhead_seconds_count')).toBe(8);
    const tokens = (direction: string) =>
      sample(text, `switchboard_tokens_total{direction="${direction}",model="gpt-4o-mini",provider="fake"}`);
    expect(tokens('prompt')).toBe(5 * 10 + 3 * 20);
    expect(tokens('completion')).toBe(5 * 5 + 3 * 7);
    expect(tokens('cached')).toBe(5 * 4);
    expect(tokens('reasoning')).toBe(5 * 2);
    expect(sample(text, 'switchboard_attempts_total{provider="fake",outcome="success"}')).toBe(8);
    expect(sample(text, 'switchboard_attempts_total{provider="fake",outcome="server_error"}')).toBe(2);
    expect(sample(text, 'switchboard_streams_in_flight')).toBe(0);
    expect(sample(text, 'switchboard_circuit_state{provider="fake"}')).toBe(0);
    expect(sample(text, 'switchboard_catalog_models')).toBe(gateway.deps.catalog.models().length);
    expect(text).toContain('# TYPE switchboard_request_duration_seconds histogram');
    expect(text).toContain('# TYPE switchboard_cost_usd_total counter');
    // Cost, where the price table knows the model, is the sum of the logged records' costs.
    const logged = (await gateway.telemetry.logStore?.query({ limit: 100 }))?.records ?? [];
    const cost = logged.reduce((total, record) => total + (record.costUsd ?? 0), 0);
    expect(sample(text, 'switchboard_cost_usd_total{model="gpt-4o-mini",provider="fake"}') ?? 0).toBeCloseTo(cost, 12);
  });

  it('is in the request log, filtered and paged by /admin/logs', async () => {
    const gateway = observabilityGateway();
    await driveKnownSequence(gateway);
    const all = await gateway.app.request('/admin/logs?limit=100', { headers: admin });
    expect(all.status).toBe(200);
    const body = (await all.json()) as { data: Array<RequestRecord & { time: string }>; nextCursor: string | null };
    expect(body.data).toHaveLength(11);
    expect(body.nextCursor).toBeNull();
    expect(body.data.filter((record) => record.stream)).toHaveLength(3);
    const newest = body.data[0] as RequestRecord & { time: string };
    expect(newest).toMatchObject({
      modelAsked: 'no-such-model',
      status: 404,
      error: { type: 'invalid_request_error' },
    });
    expect(newest.time).toBe(new Date(newest.startedAt).toISOString());
    const stream = body.data.find((record) => record.stream) as RequestRecord;
    expect(stream).toMatchObject({
      provider: 'fake',
      modelUsed: 'gpt-4o-mini',
      status: 200,
      usage: { prompt_tokens: 20, completion_tokens: 7 },
      usageSource: 'upstream',
    });
    expect(stream.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    // Metadata only: no prompt, no completion, no key anywhere in the log.
    const text = JSON.stringify(body);
    expect(text).not.toContain('a secret prompt');
    expect(text).not.toContain('hello there');
    expect(text).not.toContain(gatewayKey);

    const errors = (await (await gateway.app.request('/admin/logs?status=error', { headers: admin })).json()) as {
      data: RequestRecord[];
    };
    expect(errors.data.map((record) => record.status).sort()).toEqual([404, 502, 502]);
    const byStatus = (await (await gateway.app.request('/admin/logs?status=502', { headers: admin })).json()) as {
      data: RequestRecord[];
    };
    expect(byStatus.data).toHaveLength(2);
    const byProvider = (await (
      await gateway.app.request('/admin/logs?provider=fake&model=broken', { headers: admin })
    ).json()) as {
      data: RequestRecord[];
    };
    expect(byProvider.data).toHaveLength(2);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/admin/logs?limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (await gateway.app.request(url, { headers: admin })).json()) as {
        data: RequestRecord[];
        nextCursor: string | null;
      };
      seen.push(...page.data.map((record) => record.requestId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(body.data.map((record) => record.requestId));

    const future = Date.now() + 60_000;
    const empty = (await (await gateway.app.request(`/admin/logs?from=${future}`, { headers: admin })).json()) as {
      data: unknown[];
    };
    expect(empty.data).toEqual([]);
  });

  it('aggregates in /admin/analytics by model and provider', async () => {
    const gateway = observabilityGateway();
    await driveKnownSequence(gateway);
    const to = Date.now() + 1_000;
    const from = to - 86_400_000 * 2;
    const response = await gateway.app.request(`/admin/analytics?from=${from}&to=${to}&bucket=1d&groupBy=model`, {
      headers: admin,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      bucketMs: number;
      groupBy: string;
      data: Array<Record<string, number | string | null>>;
    };
    expect(body).toMatchObject({ bucketMs: 86_400_000, groupBy: 'model' });
    const total = (group: string, field: string) =>
      body.data.filter((row) => row.group === group).reduce((sum, row) => sum + Number(row[field]), 0);
    expect(total('gpt-4o-mini', 'requests')).toBe(8);
    expect(total('gpt-4o-mini', 'errors')).toBe(0);
    expect(total('gpt-4o-mini', 'promptTokens')).toBe(110);
    expect(total('gpt-4o-mini', 'completionTokens')).toBe(46);
    expect(total('gpt-4o-mini', 'cachedTokens')).toBe(20);
    expect(total('gpt-4o-mini', 'reasoningTokens')).toBe(10);
    expect(total('broken', 'requests')).toBe(2);
    expect(total('broken', 'errors')).toBe(2);
    expect(total('no-such-model', 'errors')).toBe(1);
    for (const row of body.data) {
      expect(Number(row.latencyP95Ms)).toBeGreaterThanOrEqual(Number(row.latencyP50Ms));
      expect(row.time).toBe(new Date(Number(row.bucketStart)).toISOString());
    }

    const byProvider = (await (
      await gateway.app.request(`/admin/analytics?from=${from}&to=${to}&bucket=1d&groupBy=provider`, {
        headers: admin,
      })
    ).json()) as { data: Array<{ group: string | null; requests: number; errors: number }> };
    const providerTotals = new Map<string | null, number>();
    for (const row of byProvider.data)
      providerTotals.set(row.group, (providerTotals.get(row.group) ?? 0) + row.requests);
    expect(Object.fromEntries(providerTotals)).toEqual({ fake: 10, null: 1 });
  });

  it('writes one access-log line per request, without prompts or keys', async () => {
    const gateway = observabilityGateway();
    await driveKnownSequence(gateway);
    const lines = gateway.logged.filter((line) => line.event === 'request');
    expect(lines).toHaveLength(11);
    expect(lines.every((line) => line.level === 'info')).toBe(true);
    expect(lines[0]?.fields).toMatchObject({
      inbound: 'openai-chat',
      modelAsked: 'gpt-4o-mini',
      provider: 'fake',
      status: 200,
      promptTokens: 10,
      completionTokens: 5,
      attempts: 1,
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('a secret prompt');
    expect(text).not.toContain(gatewayKey);
  });
});

describe('streams in flight', () => {
  it('counts a stream from its first chunk to its end', async () => {
    const gateway = observabilityGateway();
    const response = await gateway.app.request('/v1/chat/completions', chat('held', true));
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await gateway.settle();
    const during = await (await gateway.app.request('/metrics', { headers: admin })).text();
    expect(sample(during, 'switchboard_streams_in_flight')).toBe(1);
    gateway.held.release();
    while (!(await reader.read()).done) {
      // Read to the end.
    }
    await gateway.settle();
    const after = await (await gateway.app.request('/metrics', { headers: admin })).text();
    expect(sample(after, 'switchboard_streams_in_flight')).toBe(0);
    expect(sample(after, 'switchboard_time_to_first_token_seconds_count{model="held",provider="fake"}')).toBe(1);
  });
});

describe('admin auth', () => {
  it('401 without the admin key or with a gateway key; 200 with it', async () => {
    const { app } = observabilityGateway();
    for (const path of ['/admin/logs', '/admin/analytics', '/metrics']) {
      const missing = await app.request(path);
      expect(missing.status, path).toBe(401);
      const body = (await missing.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({ type: 'authentication_error', code: 'missing_admin_key' });
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      const client = await app.request(path, { headers: { authorization: `Bearer ${gatewayKey}` } });
      expect(client.status, path).toBe(401);
      expect(((await client.json()) as { error: { code: string } }).error.code).toBe('invalid_admin_key');
      const wrong = await app.request(path, { headers: { 'x-api-key': `${adminKey}x` } });
      expect(wrong.status, path).toBe(401);
      expect((await app.request(path, { headers: admin })).status, path).toBe(200);
      expect((await app.request(path, { headers: { 'x-api-key': adminKey } })).status, path).toBe(200);
    }
  });

  it('without an admin key: the admin API is off, /metrics is open', async () => {
    const { app } = observabilityGateway({ adminKey: null });
    const logs = await app.request('/admin/logs', { headers: admin });
    expect(logs.status).toBe(404);
    expect(((await logs.json()) as { error: { code: string } }).error.code).toBe('admin_api_disabled');
    expect((await app.request('/metrics')).status).toBe(200);
  });

  it('400 on bad parameters', async () => {
    const { app } = observabilityGateway();
    const cases = [
      ['/admin/logs?limit=0', 'limit'],
      ['/admin/logs?limit=5000', 'limit'],
      ['/admin/logs?cursor=nope', 'cursor'],
      ['/admin/logs?status=teapot', 'status'],
      ['/admin/logs?from=yesterday', 'from'],
      ['/admin/analytics?bucket=7w', 'bucket'],
      ['/admin/analytics?groupBy=color', 'groupBy'],
      ['/admin/analytics?from=0&to=86400000000&bucket=1s', 'bucket'],
      ['/admin/analytics?from=2000&to=1000', 'from'],
    ] as const;
    for (const [path, param] of cases) {
      const response = await app.request(path, { headers: admin });
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param, path).toBe(param);
    }
  });
});

describe('telemetry never blocks a response', () => {
  it('a log store that takes seconds and a sink that blocks do not delay the answer', async () => {
    let appends = 0;
    const slowStore = {
      append: async () => {
        appends++;
        await new Promise((resolve) => setTimeout(resolve, 3_000));
      },
      query: async () => ({ records: [] }),
      aggregate: async () => [],
      deleteOlderThan: async () => 0,
    };
    const blockingSink = {
      record() {
        const until = Date.now() + 300;
        while (Date.now() < until) {
          // A sink doing slow synchronous work.
        }
      },
    };
    // Wrapped in a fan-out as the runtime wires every sink: its work waits for a later turn.
    const gateway = observabilityGateway({
      logStore: slowStore,
      extraSink: new FanOutSink([blockingSink], silentLogger),
    });
    const started = performance.now();
    const response = await gateway.app.request('/v1/chat/completions', chat('gpt-4o-mini'));
    expect(response.status).toBe(200);
    await response.json();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(250);
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The store does get the record, later, without anyone waiting for it.
    expect(appends).toBe(1);
  });

  it('a sink that throws does not fail the request', async () => {
    const gateway = observabilityGateway({
      extraSink: {
        record() {
          throw new Error('sink exploded');
        },
      },
    });
    const response = await gateway.app.request('/v1/chat/completions', chat('gpt-4o-mini'));
    expect(response.status).toBe(200);
    const stream = await gateway.app.request('/v1/chat/completions', chat('gpt-4o-mini', true));
    expect(await stream.text()).toContain('[DONE]');
  });
});
