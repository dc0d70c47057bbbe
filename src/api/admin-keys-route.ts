import { Hono } from 'hono';
import { GatewayError } from '../canonical/index.ts';
import { readJsonBody } from '../middleware/read-json-body.ts';
import type { Policy } from '../policy/policy.ts';
import { type VirtualKeyInput, virtualKeyInputSchema } from '../policy/virtual-key.ts';
import type { GatewayEnv } from './gateway-env.ts';

const adminBodyLimitBytes = 64 * 1024;

/**
 * The admin API for virtual keys, behind the admin key (`auth.adminKey`):
 * `POST /admin/keys` (create: the only answer that shows the secret, with rotate), `GET /admin/keys` (list),
 * `GET /admin/keys/:id` (one, with its spend), `PATCH /admin/keys/:id` (update; `null` clears a field),
 * `POST /admin/keys/:id/revoke` (also `DELETE /admin/keys/:id`), `POST /admin/keys/:id/rotate` (a new secret).
 */
export function adminKeysRoute(policy: Policy): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const keys = policy.virtualKeys;
  app.post('/admin/keys', async (c) => {
    const { key, secret } = await keys.create(await readInput(c.req.raw));
    return c.json({ ...key, secret }, 201);
  });
  app.get('/admin/keys', async (c) => c.json({ object: 'list', data: await keys.list() }));
  app.get('/admin/keys/:id', async (c) => {
    const key = await keys.get(c.req.param('id'));
    return c.json({ ...key, spend: await policy.budgets.spent(key.id) });
  });
  app.patch('/admin/keys/:id', async (c) => c.json(await keys.update(c.req.param('id'), await readInput(c.req.raw))));
  app.post('/admin/keys/:id/revoke', async (c) => c.json(await keys.revoke(c.req.param('id'))));
  app.delete('/admin/keys/:id', async (c) => c.json(await keys.revoke(c.req.param('id'))));
  app.post('/admin/keys/:id/rotate', async (c) => {
    const { key, secret } = await keys.rotate(c.req.param('id'));
    return c.json({ ...key, secret });
  });
  return app;
}

async function readInput(request: Request): Promise<VirtualKeyInput> {
  const hasBody = request.headers.get('content-length') !== '0' && request.body !== null;
  const body = hasBody ? await readJsonBody(request, adminBodyLimitBytes) : {};
  const result = virtualKeyInputSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue?.path.map(String).join('.') || null;
  throw new GatewayError({
    status: 400,
    code: issue?.code === 'unrecognized_keys' ? 'unknown_parameter' : 'invalid_value',
    param,
    message: `${param ?? 'body'}: ${issue?.message ?? 'invalid'}`,
  });
}
