import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { parseGatewayConfig } from './parse-gateway-config.ts';

const noProbe = { SWITCHBOARD_PROBE_LOCAL: 'false' };

function configError(text: string): ConfigError {
  try {
    parseGatewayConfig(text, noProbe);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('state backend', () => {
  it('defaults to memory, open on failure, with the redis timeout and prefix defaults', () => {
    expect(parseGatewayConfig(undefined, noProbe).state).toEqual({
      backend: 'memory',
      path: 'switchboard.sqlite',
      keyPrefix: 'switchboard:',
      timeoutMs: 250,
      failMode: 'open',
    });
  });

  it('reads redis settings, with ${ENV} in the URL', () => {
    const config = parseGatewayConfig(
      'state: { backend: redis, url: "${REDIS_URL}", keyPrefix: "sb-prod:", timeoutMs: 100, failMode: closed }',
      { ...noProbe, REDIS_URL: 'redis://127.0.0.1:6380' },
    );
    expect(config.state).toMatchObject({
      backend: 'redis',
      url: 'redis://127.0.0.1:6380',
      keyPrefix: 'sb-prod:',
      timeoutMs: 100,
      failMode: 'closed',
    });
  });

  it('refuses redis without a URL, a non-redis URL and an unknown backend', () => {
    expect(configError('state: { backend: redis }').message).toContain('state.url');
    expect(configError('state: { backend: redis, url: "http://127.0.0.1:6379" }').message).toContain('state.url');
    expect(configError('state: { backend: postgres }').message).toContain('state.backend');
  });
});
