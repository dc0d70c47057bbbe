import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { configDefaults } from './gateway-config.ts';
import { interpolateEnv } from './interpolate-env.ts';
import { parseGatewayConfig } from './parse-gateway-config.ts';

const noProbe = { SWITCHBOARD_PROBE_LOCAL: 'false' };

/** Runs the parser and returns the ConfigError it throws (failing the test when it does not throw one). */
function configError(text: string | undefined, env: Record<string, string | undefined> = {}): ConfigError {
  try {
    parseGatewayConfig(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    // Every error says the field, the problem and the fix, and the message carries all three.
    expect(configError.field).not.toBe('');
    expect(configError.problem).not.toBe('');
    expect(configError.fix).not.toBe('');
    expect(configError.message).toContain(configError.field);
    expect(configError.message).toContain(configError.problem);
    expect(configError.message).toContain(`Fix: ${configError.fix}`);
    return configError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseGatewayConfig: valid files', () => {
  it('reads YAML and applies every default', () => {
    const config = parseGatewayConfig(
      `
providers:
  - id: local
    type: openai
    baseUrl: http://127.0.0.1:9999/v1/
    models: [small, { id: fast, model: big-model-v2 }]
`,
      {},
    );
    expect(config.fromFile).toBe(true);
    expect(config.providers).toEqual([
      {
        id: 'local',
        type: 'openai',
        baseUrl: 'http://127.0.0.1:9999/v1',
        models: ['small'],
        aliases: { fast: 'big-model-v2' },
        discover: true,
        source: 'config',
      },
    ]);
    expect(config.auth).toEqual({ keys: [], open: false });
    expect(config.routing).toEqual({
      strategy: 'priority',
      weights: {},
      proximity: {},
      smart: { reliability: 0.4, speed: 0.3, cost: 0.2, proximity: 0.1 },
      exploration: configDefaults.exploration,
      models: {},
      retries: configDefaults.retries,
      timeoutMs: configDefaults.timeoutMs,
      firstByteTimeoutMs: configDefaults.firstByteTimeoutMs,
      idleTimeoutMs: configDefaults.idleTimeoutMs,
      fallbacks: {},
      circuitBreaker: {
        windowMs: configDefaults.breakerWindowMs,
        minRequests: configDefaults.breakerMinRequests,
        errorRatio: configDefaults.breakerErrorRatio,
        openMs: configDefaults.breakerOpenMs,
      },
      hedging: { models: [] },
      probes: { enabled: false, intervalMs: 15_000, timeoutMs: 5_000 },
    });
    expect(config.server).toEqual({
      port: configDefaults.port,
      host: configDefaults.host,
      bodyLimitBytes: configDefaults.bodyLimitBytes,
      corsOrigins: ['*'],
      shutdownGraceMs: configDefaults.shutdownGraceMs,
    });
    expect(config.catalog).toEqual({
      ttlMs: configDefaults.catalogTtlMs,
      discoveryTimeoutMs: configDefaults.discoveryTimeoutMs,
      probeLocal: false,
    });
  });

  it('reads JSON the same way', () => {
    const config = parseGatewayConfig(
      JSON.stringify({
        auth: { keys: ['sk-gateway-0001'], open: true },
        providers: [{ id: 'groq' }, { id: 'az', type: 'azure', baseUrl: 'https://x.openai.azure.com/openai' }],
        routing: { retries: 0, timeoutMs: 1000 },
        server: { port: 0, host: '0.0.0.0', bodyLimitBytes: 2048, corsOrigins: ['https://app.example'] },
        catalog: { ttlMs: 5000, discoveryTimeoutMs: 200 },
      }),
      { GROQ_API_KEY: 'gsk-from-env' },
    );
    expect(config.auth).toEqual({ keys: ['sk-gateway-0001'], open: true });
    expect(config.providers[0]).toMatchObject({
      id: 'groq',
      type: 'openai',
      baseUrl: 'https://api.groq.com/openai/v1',
      apiKey: 'gsk-from-env',
    });
    expect(config.providers[1]).toMatchObject({ id: 'az', type: 'openai', azure: { apiVersion: '2024-10-21' } });
    expect(config.routing).toMatchObject({ strategy: 'priority', retries: 0, timeoutMs: 1000 });
    expect(config.server).toEqual({
      port: 0,
      host: '0.0.0.0',
      bodyLimitBytes: 2048,
      corsOrigins: ['https://app.example'],
      shutdownGraceMs: configDefaults.shutdownGraceMs,
    });
    expect(config.catalog).toEqual({ ttlMs: 5000, discoveryTimeoutMs: 200, probeLocal: false });
  });

  it('treats an empty file as an empty config', () => {
    const config = parseGatewayConfig('', { OPENAI_API_KEY: 'sk-ignored' });
    expect(config.fromFile).toBe(true);
    expect(config.providers).toEqual([]);
  });

  it('names a preset explicitly, and lets the entry override its parts', () => {
    const config = parseGatewayConfig(
      `
providers:
  - id: my-groq
    preset: groq
    apiKey: gsk-inline
    discover: false
    headers: { x-team: infra }
`,
      { GROQ_API_KEY: 'gsk-env' },
    );
    expect(config.providers[0]).toEqual({
      id: 'my-groq',
      type: 'openai',
      baseUrl: 'https://api.groq.com/openai/v1',
      apiKey: 'gsk-inline',
      headers: { 'x-team': 'infra' },
      models: [],
      aliases: {},
      discover: false,
      source: 'config',
    });
  });
});

describe('parseGatewayConfig: errors say field, problem and fix', () => {
  it('invalid syntax', () => {
    const error = configError('providers: [unclosed');
    expect(error.field).toBe('(file)');
    expect(error.problem).toMatch(/not valid YAML or JSON/);
  });

  it('an unknown field, at the root and nested', () => {
    expect(configError('servers: {}').problem).toBe('has unknown field(s) servers');
    const nested = configError(
      JSON.stringify({ providers: [{ id: 'a', type: 'openai', baseUrl: 'http://h/v1', apikey: 'x' }] }),
    );
    expect(nested.field).toBe('providers[0]');
    expect(nested.problem).toBe('has unknown field(s) apikey');
    expect(nested.fix).toMatch(/spelling/);
  });

  it('a bad type', () => {
    const error = configError('server: { port: "eighty" }');
    expect(error.field).toBe('server.port');
    expect(error.problem).toMatch(/number/);
  });

  it('an unknown wire format', () => {
    const error = configError('providers: [{ id: a, type: cohere, baseUrl: "http://h/v1" }]');
    expect(error.field).toBe('providers[0].type');
    expect(error.fix).toMatch(/openai, anthropic, gemini, azure/);
  });

  it('a base URL that is not a URL', () => {
    const error = configError('providers: [{ id: a, type: openai, baseUrl: "localhost:1234" }]');
    expect(error.field).toBe('providers[0].baseUrl');
    expect(error.problem).toBe('must be an http:// or https:// URL');
    expect(error.fix).toMatch(/full URL/);
  });

  it('a missing baseUrl', () => {
    const error = configError('providers: [{ id: custom, type: openai }]');
    expect(error.field).toBe('providers[0].baseUrl');
    expect(error.problem).toBe('is missing');
  });

  it('a missing type for an id that is not a preset', () => {
    const error = configError('providers: [{ id: custom, baseUrl: "http://h/v1" }]');
    expect(error.field).toBe('providers[0].type');
    expect(error.problem).toBe('is missing');
  });

  it('a duplicate id', () => {
    const error = configError('providers: [{ id: openai }, { id: openai }]');
    expect(error.field).toBe('providers[1].id');
    expect(error.problem).toMatch(/used twice/);
  });

  it('an id that cannot be a model prefix', () => {
    const error = configError('providers: [{ id: "my/provider", type: openai, baseUrl: "http://h/v1" }]');
    expect(error.field).toBe('providers[0].id');
  });

  it('an unknown preset lists the known ones', () => {
    const error = configError('providers: [{ id: a, preset: openia }]');
    expect(error.field).toBe('providers[0].preset');
    expect(error.problem).toBe("'openia' is not a known preset");
    expect(error.fix).toMatch(/openai, anthropic, gemini, groq/);
  });

  it('a gateway key that is too short', () => {
    expect(configError('auth: { keys: ["short"] }').field).toBe('auth.keys[0]');
  });

  it('a missing ${VAR} names the field and the variable', () => {
    const error = configError('providers: [{ id: a, type: openai, baseUrl: "http://h/v1", apiKey: "${A_KEY}" }]');
    expect(error.field).toBe('providers[0].apiKey');
    expect(error.problem).toBe('refers to ${A_KEY}, which is not set');
    expect(error.fix).toMatch(/A_KEY:-default/);
  });
});

describe('${ENV} interpolation', () => {
  it('replaces set variables and falls back to defaults', () => {
    const config = parseGatewayConfig(
      `
providers:
  - id: a
    type: openai
    baseUrl: \${A_URL:-http://127.0.0.1:1234/v1}
    apiKey: "\${A_KEY}"
    headers: { x-org: "org-\${ORG:-none}-\${REGION}" }
`,
      { A_KEY: 'sk-a', REGION: 'eu' },
    );
    expect(config.providers[0]).toMatchObject({
      baseUrl: 'http://127.0.0.1:1234/v1',
      apiKey: 'sk-a',
      headers: { 'x-org': 'org-none-eu' },
    });
  });

  it('treats an empty variable as unset, and an empty default as allowed', () => {
    expect(interpolateEnv('${X:-fallback}', { X: '' })).toBe('fallback');
    expect(interpolateEnv('[${X:-}]', {})).toBe('[]');
    expect(() => interpolateEnv('${X}', { X: '' })).toThrow(ConfigError);
  });

  it('leaves non-strings and text without references alone', () => {
    expect(interpolateEnv({ a: 1, b: [true, null, 'plain $HOME'] }, {})).toEqual({
      a: 1,
      b: [true, null, 'plain $HOME'],
    });
  });

  it('paths name array items and nested keys', () => {
    try {
      interpolateEnv({ auth: { keys: ['ok', '${K}'] } }, {});
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).field).toBe('auth.keys[1]');
    }
  });
});

describe('self-configuration from the environment', () => {
  const presets: Array<[string, string, string, string]> = [
    ['OPENAI_API_KEY', 'openai', 'openai', 'https://api.openai.com/v1'],
    ['ANTHROPIC_API_KEY', 'anthropic', 'anthropic', 'https://api.anthropic.com/v1'],
    ['GEMINI_API_KEY', 'gemini', 'gemini', 'https://generativelanguage.googleapis.com/v1beta'],
    ['GROQ_API_KEY', 'groq', 'openai', 'https://api.groq.com/openai/v1'],
    ['MISTRAL_API_KEY', 'mistral', 'openai', 'https://api.mistral.ai/v1'],
    ['DEEPSEEK_API_KEY', 'deepseek', 'openai', 'https://api.deepseek.com/v1'],
    ['TOGETHER_API_KEY', 'together', 'openai', 'https://api.together.xyz/v1'],
    ['OPENROUTER_API_KEY', 'openrouter', 'openai', 'https://openrouter.ai/api/v1'],
    ['FIREWORKS_API_KEY', 'fireworks', 'openai', 'https://api.fireworks.ai/inference/v1'],
    ['XAI_API_KEY', 'xai', 'openai', 'https://api.x.ai/v1'],
    ['CEREBRAS_API_KEY', 'cerebras', 'openai', 'https://api.cerebras.ai/v1'],
    ['PERPLEXITY_API_KEY', 'perplexity', 'openai', 'https://api.perplexity.ai'],
  ];

  it.each(presets)('%s becomes the %s provider', (variable, id, type, baseUrl) => {
    const config = parseGatewayConfig(undefined, { ...noProbe, [variable]: `key-for-${id}` });
    expect(config.fromFile).toBe(false);
    expect(config.providers).toEqual([
      { id, type, baseUrl, apiKey: `key-for-${id}`, models: [], aliases: {}, discover: true, source: 'env' },
    ]);
  });

  it('every key set gives every provider, in preset order', () => {
    const env = Object.fromEntries(presets.map(([variable]) => [variable, 'k']));
    const config = parseGatewayConfig(undefined, { ...noProbe, ...env });
    expect(config.providers.map((provider) => provider.id)).toEqual(presets.map(([, id]) => id));
  });

  it('ignores an empty key', () => {
    expect(parseGatewayConfig(undefined, { ...noProbe, OPENAI_API_KEY: '' }).providers).toEqual([]);
  });

  it('a config file turns environment presets off', () => {
    const config = parseGatewayConfig('providers: []', { OPENAI_API_KEY: 'sk-x' });
    expect(config.providers).toEqual([]);
  });

  it('SWITCHBOARD_API_KEYS and WORKER_API_KEY become gateway keys, merged with the file and deduplicated', () => {
    const fromEnv = parseGatewayConfig(undefined, {
      ...noProbe,
      SWITCHBOARD_API_KEYS: ' sk-one-00001 ,sk-two-00002,, ',
      WORKER_API_KEY: 'sk-worker-0003',
    });
    expect(fromEnv.auth.keys).toEqual(['sk-one-00001', 'sk-two-00002', 'sk-worker-0003']);
    const merged = parseGatewayConfig('auth: { keys: [sk-file-00000, sk-one-00001] }', {
      SWITCHBOARD_API_KEYS: 'sk-one-00001',
    });
    expect(merged.auth.keys).toEqual(['sk-file-00000', 'sk-one-00001']);
  });

  it('adds local presets when probing is on (the default without a file)', () => {
    const config = parseGatewayConfig(undefined, { OPENAI_API_KEY: 'sk-x' });
    expect(config.catalog.probeLocal).toBe(true);
    expect(config.providers.map((provider) => [provider.id, provider.source, provider.baseUrl])).toEqual([
      ['openai', 'env', 'https://api.openai.com/v1'],
      ['ollama', 'local', 'http://127.0.0.1:11434/v1'],
      ['lmstudio', 'local', 'http://127.0.0.1:1234/v1'],
      ['vllm', 'local', 'http://127.0.0.1:8000/v1'],
      ['llamacpp', 'local', 'http://127.0.0.1:8080/v1'],
    ]);
    expect(config.providers.some((provider) => provider.source === 'local' && provider.apiKey)).toBe(false);
  });

  it('no local presets when probing is off, or with a file that does not ask for it', () => {
    expect(parseGatewayConfig(undefined, noProbe).providers).toEqual([]);
    expect(parseGatewayConfig('{}', {}).providers).toEqual([]);
  });

  it('a file can ask for probing; a configured provider keeps its id', () => {
    const config = parseGatewayConfig(
      'providers: [{ id: ollama, baseUrl: "http://10.0.0.5:11434/v1" }]\ncatalog: { probeLocal: true }',
      {},
    );
    expect(config.providers.map((provider) => [provider.id, provider.source])).toEqual([
      ['ollama', 'config'],
      ['lmstudio', 'local'],
      ['vllm', 'local'],
      ['llamacpp', 'local'],
    ]);
    expect(config.providers[0]?.baseUrl).toBe('http://10.0.0.5:11434/v1');
  });
});
