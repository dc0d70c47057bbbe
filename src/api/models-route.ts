import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { GatewayError } from '../canonical/index.ts';
import type { CatalogModel } from '../catalog/model-catalog.ts';
import { toAnthropicModel, toAnthropicModelPage } from '../providers/anthropic/convert-to-anthropic-model-list.ts';
import type { GatewayEnv } from './gateway-env.ts';

type OpenAIModel = { id: string; object: 'model'; created: number; owned_by: string };

/**
 * `GET /v1/models` (OpenAI list format: every model once, then each as `provider/model`) and `GET /v1/models/{id}`.
 * A request with `anthropic-version` (the Anthropic SDKs) gets Anthropic's shape: chat models, paged (wire-formats §4.6).
 */
export function modelsRoute(deps: AppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const startedAt = Math.floor(deps.now() / 1000);
  const toOpenAI = (model: CatalogModel): OpenAIModel => ({
    id: model.id,
    object: 'model',
    created: model.created ?? startedAt,
    owned_by: model.providerId,
  });
  const isAnthropic = (c: { req: { header: (name: string) => string | undefined } }) =>
    c.req.header('anthropic-version') !== undefined;
  const toAnthropic = (model: CatalogModel) => toAnthropicModel({ id: model.id, created: model.created ?? startedAt });
  app.get('/v1/models', (c) => {
    if (!isAnthropic(c)) return c.json({ object: 'list', data: deps.catalog.models().map(toOpenAI) });
    const chatModels = deps.catalog.models().filter((model) => model.kind !== 'embedding');
    return c.json(toAnthropicModelPage(chatModels.map(toAnthropic), c.req.query()));
  });
  app.get('/v1/models/:id{.+}', (c) => {
    const id = c.req.param('id');
    const model = deps.catalog.models().find((candidate) => candidate.id === id);
    if (!model) {
      throw new GatewayError({
        status: 404,
        code: 'model_not_found',
        param: 'model',
        message: `The model '${id}' is not served by this gateway.`,
      });
    }
    return c.json(isAnthropic(c) ? toAnthropic(model) : toOpenAI(model));
  });
  return app;
}
