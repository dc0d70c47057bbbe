import { describe, expect, it } from 'vitest';
import committed from '../../docs/switchboard.schema.json';
import { configJsonSchema } from './config-json-schema.ts';

describe('docs/switchboard.schema.json', () => {
  it('is what `npm run schema` writes from the zod schema (run it after changing the config shape)', () => {
    expect(committed).toEqual(configJsonSchema());
  });

  it('describes the file for editors: draft-07, closed objects, the fields people write', () => {
    const schema = configJsonSchema() as {
      $schema: string;
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['auth', 'providers', 'routing', 'server', 'catalog']),
    );
  });
});
