import type { Usage } from '../canonical/index.ts';
import { computeCost } from '../telemetry/compute-cost.ts';
import type { TokenPrices } from '../telemetry/price-catalog.ts';

/**
 * Where budgets and cache savings get prices: the model a client asked for (no provider yet, before the call) or the
 * upstream model at a provider (after it). `undefined`: unknown, so the request is estimated at $0 before the call
 * and charged whatever the request record's `costUsd` says after it.
 */
export type ModelPricing = (model: string, providerId?: string) => TokenPrices | undefined;

/** The cost of some usage at a price; `undefined` when the price is unknown. */
export function costOfUsage(price: TokenPrices | undefined, usage: Usage | undefined): number | undefined {
  if (!price || !usage) return undefined;
  return computeCost(usage, price);
}
