import { GatewayError, type GatewayErrorOptions } from '../canonical/gateway-error.ts';

/** A request refused by a limit or a budget: a `GatewayError` that also carries the rate-limit headers to send. */
export class PolicyRefusal extends GatewayError {
  readonly headers: Record<string, string>;

  constructor(options: GatewayErrorOptions & { headers?: Record<string, string> }) {
    super(options);
    this.headers = options.headers ?? {};
  }
}
