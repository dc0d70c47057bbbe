import { GatewayError } from '../../canonical/index.ts';
import type { Candidate, ModelCatalog } from '../../catalog/model-catalog.ts';

/** The model's candidates, or a 404 that names the closest known ids. */
export function resolveCandidates(catalog: ModelCatalog, model: string): Candidate[] {
  const candidates = catalog.resolve(model);
  if (candidates.length > 0) return candidates;
  const closest = catalog.suggest(model);
  const hint = closest.length > 0 ? ` Did you mean ${closest.map((id) => `'${id}'`).join(', ')}?` : '';
  throw new GatewayError({
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_found',
    param: 'model',
    message: `The model '${model}' is not served by this gateway.${hint} GET /v1/models lists every model.`,
    isRetryable: false,
  });
}
