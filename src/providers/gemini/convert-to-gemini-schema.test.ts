import { describe, expect, it } from 'vitest';
import { convertToGeminiSchema } from './convert-to-gemini-schema.ts';

describe('convertToGeminiSchema', () => {
  it('keeps the OpenAPI subset and drops what Gemini rejects', () => {
    expect(
      convertToGeminiSchema({
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: 'https://example.com/person',
        type: 'object',
        title: 'Person',
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 80, pattern: '^[A-Z]', default: 'Ann' },
          email: { type: 'string', format: 'email' },
          age: { type: 'integer', format: 'int32', minimum: 0, maximum: 150 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 5, uniqueItems: true },
        },
        required: ['name', 'ghost'],
        additionalProperties: false,
      }),
    ).toEqual({
      type: 'OBJECT',
      title: 'Person',
      properties: {
        name: { type: 'STRING', minLength: 1, maxLength: 80 },
        email: { type: 'STRING' },
        age: { type: 'INTEGER', format: 'int32', minimum: 0, maximum: 150 },
        tags: { type: 'ARRAY', items: { type: 'STRING' }, minItems: 1, maxItems: 5 },
      },
      required: ['name'],
    });
  });

  it('turns nullable unions and oneOf into nullable / anyOf', () => {
    expect(
      convertToGeminiSchema({
        type: 'object',
        properties: {
          a: { type: ['string', 'null'] },
          b: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
          c: { oneOf: [{ type: 'string' }, { type: 'number' }] },
          d: { type: ['string', 'array'], items: { type: 'number' } },
          e: { enum: ['x', 'y', null] },
          f: { enum: [1, 2] },
        },
      }),
    ).toEqual({
      type: 'OBJECT',
      properties: {
        a: { type: 'STRING', nullable: true },
        b: { type: 'INTEGER', nullable: true },
        c: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
        d: { anyOf: [{ type: 'STRING' }, { type: 'ARRAY', items: { type: 'NUMBER' } }] },
        e: { type: 'STRING', enum: ['x', 'y'], nullable: true },
        f: {},
      },
    });
  });

  it('inlines local $refs, merges allOf and cuts recursion', () => {
    expect(
      convertToGeminiSchema({
        type: 'object',
        properties: {
          home: { $ref: '#/definitions/address', description: 'Where they live' },
          node: { $ref: '#/$defs/node' },
          remote: { $ref: 'https://example.com/schema.json' },
          both: {
            allOf: [
              { type: 'object', properties: { x: { type: 'number' } }, required: ['x'] },
              { properties: { y: { type: 'number' } }, required: ['y'] },
            ],
          },
        },
        definitions: { address: { type: 'object', properties: { street: { type: 'string' } } } },
        $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } } } },
      }),
    ).toEqual({
      type: 'OBJECT',
      properties: {
        home: { type: 'OBJECT', properties: { street: { type: 'STRING' } }, description: 'Where they live' },
        node: { type: 'OBJECT', properties: { next: { type: 'OBJECT' } } },
        remote: {},
        both: { type: 'OBJECT', properties: { x: { type: 'NUMBER' }, y: { type: 'NUMBER' } }, required: ['x', 'y'] },
      },
    });
  });

  it('returns undefined for an empty root object or a non-object', () => {
    expect(convertToGeminiSchema({ type: 'object', properties: {}, additionalProperties: false })).toBeUndefined();
    expect(convertToGeminiSchema({ type: 'object' })).toBeUndefined();
    expect(convertToGeminiSchema(undefined)).toBeUndefined();
    expect(convertToGeminiSchema({ type: 'string' })).toEqual({ type: 'STRING' });
  });
});
