import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGatewayConfig } from '../../src/config/parse-gateway-config.ts';

const root = resolve(import.meta.dirname, '../..');

describe('switchboard.example.yaml', () => {
  const text = readFileSync(resolve(root, 'switchboard.example.yaml'), 'utf8');

  it('starts with the editor schema header', () => {
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./docs/switchboard.schema.json');
  });

  it('is a valid config', () => {
    const config = parseGatewayConfig(text, {
      SWITCHBOARD_KEY: 'sk-example-gateway-key',
      OPENAI_API_KEY: 'sk-openai',
      ANTHROPIC_API_KEY: 'sk-ant',
    });
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

  it('every top-level section and provider field it uses is documented in docs/configuration.md', () => {
    const docs = readFileSync(resolve(root, 'docs/configuration.md'), 'utf8');
    for (const field of ['auth.keys', 'auth.open', 'routing.retries', 'server.bodyLimitBytes', 'catalog.probeLocal']) {
      expect(docs).toContain(`\`${field}\``);
    }
    for (const field of ['id', 'preset', 'type', 'baseUrl', 'apiKey', 'apiVersion', 'headers', 'models', 'discover']) {
      expect(docs).toContain(`| \`${field}\` |`);
    }
  });
});
