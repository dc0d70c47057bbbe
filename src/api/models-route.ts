import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { GatewayError } from '../canonical/index.ts';
import type { CatalogModel } from '../catalog/model-catalog.ts';
import { toAnthropicModel, toAnthropicModelPage } from '../providers/anthropic/convert-to-anthropic-model-list.ts';
import { priceCatalogFor } from '../telemetry/price-catalog.ts';
import type { GatewayEnv } from './gateway-env.ts';

/** USD per million tokens; `cached_input` when the price names one (absent: cached tokens cost the input price). */
type ModelPricing = { input: number; output: number; cached_input?: number };

/**
 * An OpenAI model entry, plus fields OpenAI clients ignore: what the gateway knows about the model. `kind` is always
 * set; `context_length` and `pricing` when known.
 */
type OpenAIModel = {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  kind: 'chat' | 'embedding';
  context_length?: number;
  pricing?: ModelPricing;
};

/**
 * `GET /v1/models` (OpenAI list format: the configured groups and `auto`, then every model once, then each as
 * `provider/model`) and `GET /v1/models/{id}`. Entries carry `kind`, and `context_length` and `pricing` (USD per
 * million input, output and cached input tokens, at the entry's provider: for a bare id, the first provider that
 * serves it) when known. A group or `auto` is owned by `switchboard`; a group shadows a catalog model of its name,
 * as it does in routing. A request with `anthropic-version` (the Anthropic SDKs) gets Anthropic's shape: chat models,
 * groups and `auto`, paged (wire-formats §4.6).
 */
export function modelsRoute(deps: AppDeps): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const startedAt = Math.floor(deps.now() / 1000);

  // Built once per app: they depend on the config alone, which a reload replaces together with the app.
  /** Context lengths the config declares for `auto`'s models, by model id. */
  const configuredContexts = new Map(
    (deps.config.auto?.models ?? []).flatMap((entry) =>
      entry.contextLength === undefined ? [] : [[entry.model, entry.contextLength] as const],
    ),
  );

  /** The gateway's own routed names: groups, then `auto` (unless a group is named so). */
  const ownNames = Object.keys(deps.config.groups);
  if (deps.config.auto && !Object.hasOwn(deps.config.groups, 'auto')) ownNames.push('auto');
  const ownEntries: OpenAIModel[] = ownNames.map((id) => ({
    id,
    object: 'model',
    created: startedAt,
    owned_by: 'switchboard',
    kind: 'chat',
  }));
  const shadowed = new Set(ownNames);

  const toOpenAI = (model: CatalogModel, contexts: Map<string, number>): OpenAIModel => {
    const entry: OpenAIModel = {
      id: model.id,
      object: 'model',
      created: model.created ?? startedAt,
      owned_by: model.providerId,
      kind: model.kind,
    };
    const contextLength = model.contextLength ?? contexts.get(model.id);
    if (contextLength !== undefined) entry.context_length = contextLength;
    const price = priceCatalogFor(deps).priceOf(model.providerId, model.upstreamModel);
    if (price) {
      entry.pricing = { input: price.input, output: price.output };
      if (price.cachedInput !== undefined) entry.pricing.cached_input = price.cachedInput;
    }
    return entry;
  };

  /** Every entry, in listing order. */
  const listing = (): OpenAIModel[] => {
    const catalog = deps.catalog
      .models()
      .filter((model) => !shadowed.has(model.id))
      .map((model) => toOpenAI(model, configuredContexts));
    return [...ownEntries, ...catalog];
  };

  const isAnthropic = (c: { req: { header: (name: string) => string | undefined } }) =>
    c.req.header('anthropic-version') !== undefined;
  const toAnthropic = (model: OpenAIModel) => toAnthropicModel({ id: model.id, created: model.created });

  app.get('/v1/models', (c) => {
    if (!isAnthropic(c)) return c.json({ object: 'list', data: listing() });
    const chatModels = listing().filter((model) => model.kind !== 'embedding');
    return c.json(toAnthropicModelPage(chatModels.map(toAnthropic), c.req.query()));
  });
  app.get('/v1/models/:id{.+}', (c) => {
    const id = c.req.param('id');
    const own = ownEntries.find((candidate) => candidate.id === id);
    const listed = own ? undefined : deps.catalog.models().find((candidate) => candidate.id === id);
    const model = own ?? (listed ? toOpenAI(listed, configuredContexts) : undefined);
    if (!model) {
      throw new GatewayError({
        status: 404,
        code: 'model_not_found',
        param: 'model',
        message: `The model '${id}' is not served by this gateway.`,
      });
    }
    return c.json(isAnthropic(c) ? toAnthropic(model) : model);
  });
  return app;
}
