import { GatewayError } from '../../canonical/index.ts';
import type { Candidate, ModelCatalog } from '../../catalog/model-catalog.ts';

/**
 * The model's candidates that serve the endpoint's `kind`, or a 404: one that names the closest known ids for an
 * unknown model, one that says which endpoint to use for a model of the other kind.
 */
export function resolveCandidates(
  catalog: ModelCatalog,
  model: string,
  kind: 'chat' | 'embedding' = 'chat',
): Candidate[] {
  const all = catalog.resolve(model);
  const candidates = all.filter((candidate) => candidate.kind === undefined || candidate.kind === kind);
  if (candidates.length > 0) return candidates;
  if (all.length > 0) throw wrongKind(catalog, model, kind);
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

function wrongKind(catalog: ModelCatalog, model: string, kind: 'chat' | 'embedding'): GatewayError {
  let message: string;
  if (kind === 'embedding') {
    const embedders = [
      ...new Set(
        catalog
          .models()
          .filter((entry) => entry.kind === 'embedding')
          .map((entry) => entry.id),
      ),
    ];
    const shown = embedders
      .slice(0, 5)
      .map((id) => `'${id}'`)
      .join(', ');
    const more = embedders.length > 5 ? ` and ${embedders.length - 5} more` : '';
    message =
      `The model '${model}' is a chat model; it makes no embeddings. ` +
      (embedders.length > 0
        ? `Embedding models on this gateway: ${shown}${more}.`
        : 'This gateway serves no embedding model.');
  } else {
    message = `The model '${model}' is an embedding model; it does not chat. Send it to POST /v1/embeddings instead.`;
  }
  return new GatewayError({
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_supported',
    param: 'model',
    message,
    isRetryable: false,
  });
}
