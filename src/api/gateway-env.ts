import type { VirtualKey } from '../policy/virtual-key.ts';

/**
 * Hono's environment for the gateway app: values middleware hands to routes. `keyId` and `virtualKey` are set by
 * auth for a virtual key (pass `keyId` on to `runChatRequest`); `rateLimitHeaders` by a route that reserved limits.
 */
export type GatewayEnv = {
  Variables: {
    requestId: string;
    keyId?: string;
    virtualKey?: VirtualKey;
    rateLimitHeaders?: Record<string, string>;
  };
};
