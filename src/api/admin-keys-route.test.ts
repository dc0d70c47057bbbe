import { describe, expect, it } from 'vitest';
import { adminKey, policyGateway, staticKey } from '../../test/support/policy-gateway.ts';

/** Every string the key/value store holds, keys and values. */
function storedText(stores: ReturnType<typeof policyGateway>['stores']): string {
  const entries = (stores.keyValue as unknown as { entries: Map<string, { value: string }> }).entries;
  return [...entries].map(([key, entry]) => `${key}=${entry.value}`).join('\n');
}

describe('admin API: virtual keys', () => {
  it('creates, lists, gets, updates, revokes; the secret is shown once and stored only as a hash', async () => {
    const gateway = policyGateway();
    const created = await gateway.createKey({ name: 'ci', owner: 'ana', team: 'search', models: ['gpt-4o*'] });
    expect(created.id).toMatch(/^sk-sb-[A-Za-z0-9]{8}$/);
    expect(created.secret.startsWith(`${created.id}_`)).toBe(true);
    expect(created).toMatchObject({ name: 'ci', owner: 'ana', team: 'search', status: 'active' });
    expect(created).not.toHaveProperty('hash');

    const stored = storedText(gateway.stores);
    expect(stored).not.toContain(created.secret);
    expect(stored).not.toContain(created.secret.slice(created.id.length));

    const list = (await (await gateway.admin('/admin/keys')).json()) as { data: Array<Record<string, unknown>> };
    expect(list.data.map((key) => key.id)).toEqual([created.id]);
    expect(JSON.stringify(list)).not.toContain(created.secret);
    expect(list.data[0]).not.toHaveProperty('secret');

    const one = (await (await gateway.admin(`/admin/keys/${created.id}`)).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ id: created.id, name: 'ci', spend: { dailyUsd: 0, monthlyUsd: 0, totalUsd: 0 } });

    const updated = await gateway.admin(`/admin/keys/${created.id}`, {
      method: 'PATCH',
      body: { name: 'ci-2', owner: null, limits: { requestsPerMinute: 5 } },
    });
    expect(updated.status).toBe(200);
    const body = (await updated.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ name: 'ci-2', team: 'search', limits: { requestsPerMinute: 5 } });
    expect(body).not.toHaveProperty('owner');

    expect((await gateway.chat(created.secret)).status).toBe(200);
    const revoked = await gateway.admin(`/admin/keys/${created.id}/revoke`, { method: 'POST' });
    expect(((await revoked.json()) as Record<string, unknown>).status).toBe('revoked');
    const refused = await gateway.chat(created.secret);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('key_revoked');
  });

  it('rotate: a new secret for the same id; the old one stops working at once on this replica', async () => {
    const gateway = policyGateway();
    const created = await gateway.createKey({ name: 'rotating' });
    expect((await gateway.chat(created.secret)).status).toBe(200);
    const rotated = (await (await gateway.admin(`/admin/keys/${created.id}/rotate`, { method: 'POST' })).json()) as {
      id: string;
      secret: string;
      rotatedAt: string;
    };
    expect(rotated.id).toBe(created.id);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.rotatedAt).toBeTruthy();
    expect((await gateway.chat(created.secret)).status).toBe(401);
    expect((await gateway.chat(rotated.secret)).status).toBe(200);
    expect(storedText(gateway.stores)).not.toContain(rotated.secret);
  });

  it('needs the admin key; gateway keys (static or virtual) do not open it', async () => {
    const gateway = policyGateway();
    const created = await gateway.createKey();
    expect((await gateway.app.request('/admin/keys')).status).toBe(401);
    for (const key of [staticKey, created.secret, `${adminKey}x`]) {
      const response = await gateway.app.request('/admin/keys', { headers: { authorization: `Bearer ${key}` } });
      expect(response.status).toBe(401);
    }
    expect((await gateway.app.request('/admin/keys', { headers: { 'x-api-key': adminKey } })).status).toBe(200);
  });

  it('is off (404) without an admin key, and virtual keys are then not accepted', async () => {
    const gateway = policyGateway({ auth: { keys: [staticKey] } });
    const response = await gateway.app.request('/admin/keys', { headers: { authorization: `Bearer ${adminKey}` } });
    expect(response.status).toBe(404);
    expect((await gateway.chat('sk-sb-AAAAAAAA_unknown')).status).toBe(401);
  });

  it('validates input: unknown fields and bad times are 400 naming the field; unknown ids 404', async () => {
    const gateway = policyGateway();
    const unknown = await gateway.admin('/admin/keys', { method: 'POST', body: { nmae: 'typo' } });
    expect(unknown.status).toBe(400);
    const badTime = await gateway.admin('/admin/keys', { method: 'POST', body: { expiresAt: 'tomorrow' } });
    expect(badTime.status).toBe(400);
    expect(((await badTime.json()) as { error: { param: string } }).error.param).toBe('expiresAt');
    expect((await gateway.admin('/admin/keys/sk-sb-nothere1')).status).toBe(404);
  });

  it('lists every key created in parallel (the index never loses one)', async () => {
    const gateway = policyGateway();
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, index) => gateway.createKey({ name: `k${index}` })),
    );
    const list = (await (await gateway.admin('/admin/keys')).json()) as { data: Array<{ id: string }> };
    expect(list.data.map((key) => key.id).sort()).toEqual(created.map((key) => key.id).sort());
  });
});

describe('virtual key authentication', () => {
  it('authenticates with Bearer or x-api-key and records the key id', async () => {
    const gateway = policyGateway();
    const created = await gateway.createKey();
    expect((await gateway.chat(created.secret)).status).toBe(200);
    const viaHeader = await gateway.app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'x-api-key': created.secret, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(viaHeader.status).toBe(200);
    expect(gateway.records.map((record) => record.keyId)).toEqual([created.id, created.id]);
    expect((await gateway.chat(`${created.secret}x`)).status).toBe(401);
    // Static keys still work, without a key id.
    expect((await gateway.chat(staticKey)).status).toBe(200);
    expect(gateway.records[2]?.keyId).toBeUndefined();
  });

  it('an expired key is 401 key_expired', async () => {
    const gateway = policyGateway();
    const past = await gateway.createKey({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    const response = await gateway.chat(past.secret);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('key_expired');
    const future = await gateway.createKey({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect((await gateway.chat(future.secret)).status).toBe(200);
  });

  it('model patterns: allowed models pass, others are 403 model_not_allowed before any upstream call', async () => {
    const gateway = policyGateway();
    const key = await gateway.createKey({ models: ['gpt-4o-*', 'claude-*'] });
    expect((await gateway.chat(key.secret, { model: 'gpt-4o-mini' })).status).toBe(200);
    expect((await gateway.chat(key.secret, { model: 'claude-3-haiku' })).status).toBe(200);
    const refused = await gateway.chat(key.secret, { model: 'gpt-4o' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'model_not_allowed', type: 'permission_error' } });
    expect(gateway.calls).toHaveLength(2);
  });
});
