import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { GatewayError } from '../canonical/index.ts';
import type { CatalogModel } from '../catalog/model-catalog.ts';
import type { GatewayEnv } from './gateway-env.ts';

type OpenAIModel = { id: string; object: 'model'; created: number; owned_by: string };

/** `GET /v1/models` (OpenAI list format: every model once, then each as `provider/model`) and `GET /v1/models/{id}`. */
export function modelsRoute(deps: AppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const startedAt = Math.floor(deps.now() / 1000);
  const toOpenAI = (model: CatalogModel): OpenAIModel => ({
    id: model.id,
    object: 'model',
    created: model.created ?? startedAt,
    owned_by: model.providerId,
  });
  app.get('/v1/models', (c) => c.json({ object: 'list', data: deps.catalog.models().map(toOpenAI) }));
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
    return c.json(toOpenAI(model));
  });
  return app;
}
