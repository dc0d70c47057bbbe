import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configJsonSchema } from '../../src/config/config-json-schema.ts';
import { parseGatewayConfig } from '../../src/config/parse-gateway-config.ts';

const root = resolve(import.meta.dirname, '../..');

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};

/** Fields documented in one row, not a row per part: a provider's models and aliases, a model's own smart weights. */
const documentedWhole = ['providers[].models', 'routing.models.<*>.smart'];

/**
 * Every field of the config schema as docs/configuration.md names it: `a.b.c`; `<*>` for a map key (`groups.<name>`),
 * `[]` for a list item (`auto.models[].model`). A map of plain values is one field (`routing.weights`).
 */
function fieldPaths(schema: JsonSchema, path: string, out: string[]): string[] {
  if (documentedWhole.includes(path)) {
    out.push(path);
    return out;
  }
  const objects = [schema, ...(schema.anyOf ?? [])];
  const withProperties = objects.find((candidate) => candidate.properties);
  if (withProperties?.properties) {
    for (const [name, child] of Object.entries(withProperties.properties)) {
      fieldPaths(child, path ? `${path}.${name}` : name, out);
    }
    return out;
  }
  const mapped = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  if (mapped?.properties) return fieldPaths(mapped, `${path}.<*>`, out);
  const item = schema.items;
  if (item && [item, ...(item.anyOf ?? [])].some((candidate) => candidate.properties)) {
    return fieldPaths(item, `${path}[]`, out);
  }
  out.push(path);
  return out;
}

/** The table row of a field: the providers and price tables name fields relative to one entry. */
function documentedName(path: string): RegExp {
  const relative = path.replace(/^providers\[\]\.(prices\.<\*>\.)?/, '').replace(/^prices\.<\*>\./, '');
  const pattern = relative
    .split('<*>')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('<[A-Za-z]+>');
  // A map of values may be documented as the map (`routing.weights`) or by its entries (`groups.<name>`).
  return new RegExp(`^\\| \`${pattern}(\\.<[A-Za-z]+>)?\` \\|`, 'm');
}

describe('switchboard.example.yaml', () => {
  const text = readFileSync(resolve(root, 'switchboard.example.yaml'), 'utf8');
  const env = {
    SWITCHBOARD_API_KEY: 'sk-example-gateway-key',
    OPENAI_API_KEY: 'sk-openai',
    ANTHROPIC_API_KEY: 'sk-ant',
  };

  it('starts with the editor schema header', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./docs/switchboard.schema.json');
  });

  it('is a valid config', () => {
    const config = parseGatewayConfig(text, env);
    expect(config.auth.keys).toEqual(['sk-example-gateway-key']);
    expect(config.providers.map((provider) => provider.id)).toEqual([
      'openai',
      'anthropic',
      'groq-team',
      'ollama',
      'azure',
    ]);
    expect(config.providers[0]).toMatchObject({ apiKey: 'sk-openai', aliases: { fast: 'gpt-4o-mini' } });
    expect(config.providers[3]?.baseUrl).toBe('http://127.0.0.1:11434/v1');
  });

  it('shows every top-level section of the schema', () => {
    const sections = Object.keys(configJsonSchema().properties as Record<string, unknown>);
    expect(Object.keys(parseYaml(text) as Record<string, unknown>).sort()).toEqual([...sections].sort());
  });

  it('loads the sections beyond providers as written', () => {
    const config = parseGatewayConfig(text, env);
    expect(config.prices).toEqual({
      global: { 'ollama/llama3.2': { input: 0, output: 0 } },
      providers: { openai: { 'gpt-4o': { input: 2.5, output: 10, cachedInput: 1.25 } } },
    });
    expect(config.groups).toEqual({ 'chat-fast': ['groq-team/llama-3.3-70b-versatile', 'gpt-4o-mini'] });
    expect(config.auto).toEqual({
      models: [
        { model: 'gpt-4o-mini', contextLength: 128000 },
        { model: 'llama3.2', tools: false, vision: false, contextLength: 131072 },
        { model: 'claude-sonnet-4-5' },
      ],
      strategy: 'cheapest',
    });
    expect(config.routing).toMatchObject({
      strategy: 'priority',
      models: { 'gpt-4o-mini': { strategy: 'cheapest' } },
      fallbacks: { 'gpt-4o': ['claude-sonnet-4-5'] },
      circuitBreaker: { windowMs: 60000, minRequests: 5, errorRatio: 0.5, openMs: 30000 },
    });
    expect(config.server.shutdownGraceMs).toBe(10000);
    expect(config.limits).toEqual({
      requestsPerMinute: 600,
      tokensPerMinute: 200000,
      concurrentRequests: 20,
      budget: { dailyUsd: 20 },
      defaultMaxTokens: 1024,
      providers: { openai: { requestsPerMinute: 3000, tokensPerMinute: 1000000 } },
    });
    expect(config.cache).toEqual({
      enabled: false,
      ttlSeconds: 300,
      maxEntryBytes: 1048576,
      models: ['gpt-4o*'],
      shareAcrossKeys: false,
    });
    expect(config.telemetry).toEqual({
      log: {
        path: 'switchboard-log.sqlite',
        retentionDays: 30,
        maxEntries: 10000,
        bodies: false,
        maxBodyBytes: 65536,
      },
      accessLog: true,
    });
    expect(config.state).toMatchObject({ backend: 'memory', failMode: 'open' });
  });

  it('states the defaults: what it writes out equals what an empty config resolves to', () => {
    const example = parseGatewayConfig(text, env);
    const empty = parseGatewayConfig('{}', {});
    expect(example.routing).toMatchObject({
      retries: empty.routing.retries,
      timeoutMs: empty.routing.timeoutMs,
      firstByteTimeoutMs: empty.routing.firstByteTimeoutMs,
      idleTimeoutMs: empty.routing.idleTimeoutMs,
      circuitBreaker: empty.routing.circuitBreaker,
    });
    expect(example.server).toEqual(empty.server);
    expect(example.catalog).toEqual(empty.catalog);
    expect(example.telemetry).toEqual(empty.telemetry);
    expect(example.state).toEqual(empty.state);
    expect({ ...example.cache, models: [] }).toEqual(empty.cache);
  });
});

describe('docs/configuration.md', () => {
  const docs = readFileSync(resolve(root, 'docs/configuration.md'), 'utf8');

  it('documents every field of the schema', () => {
    const fields = fieldPaths(configJsonSchema() as JsonSchema, '', []);
    expect(fields).toContain('routing.probes.timeoutMs');
    expect(fields).toContain('auto.models[].contextLength');
    expect(fields).toContain('routing.models.<*>.strategy');
    expect(fields).toContain('providers[].models');
    const missing = fields.filter((field) => !documentedName(field).test(docs));
    expect(missing).toEqual([]);
  });

  it('has a section for every top-level field', () => {
    for (const section of Object.keys(configJsonSchema().properties as Record<string, unknown>)) {
      expect(docs).toContain(`### \`${section}\``);
    }
  });

  it('documents the provider fields in the providers table', () => {
    for (const field of ['id', 'preset', 'type', 'baseUrl', 'apiKey', 'apiVersion', 'headers', 'models', 'discover']) {
      expect(docs).toContain(`| \`${field}\` |`);
    }
  });
});
