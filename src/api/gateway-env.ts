/** Hono's environment for the gateway app: values middleware hands to routes. */
export type GatewayEnv = { Variables: { requestId: string } };
