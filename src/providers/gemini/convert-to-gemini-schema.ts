/**
 * A JSON Schema (tool `parameters`, `response_format.json_schema.schema`) → the OpenAPI-3 subset Gemini's `Schema`
 * accepts (https://ai.google.dev/api/caching#Schema). Gemini rejects unknown keys, so the result is built from a
 * list of kept keys rather than by deleting known bad ones.
 *
 * - Kept: `type` (upper-cased, the proto enum spelling), `description`, `title`, `nullable`, `enum` (string values
 *   only), `items`, `properties`, `required` (only names that exist in `properties`), `anyOf`, `minItems`, `maxItems`,
 *   `minLength`, `maxLength`, `minimum`, `maximum`, `minProperties`, `maxProperties`, `propertyOrdering`, and `format`
 *   when Gemini knows it (`enum`, `date-time`, `float`, `double`, `int32`, `int64`).
 * - Rewritten: `const` → a one-value `enum`; `type: [x, "null"]` and `anyOf: [x, {type:"null"}]` → `x` with
 *   `nullable: true`; other type lists → `anyOf`; `oneOf` → `anyOf`; `allOf` → its members merged; local `$ref`s
 *   (`#/$defs/…`, `#/definitions/…`) inlined, a recursive one cut to a bare `{type: "OBJECT"}`.
 * - Dropped: `additionalProperties`, `$schema`, `$id`, `$defs`/`definitions`, remote `$ref`s, `pattern`, `default`,
 *   `examples`, other `format`s, non-string `enum`/`const` values, and every other keyword.
 * A root object schema with no properties is returned as undefined: Gemini rejects an empty `OBJECT`.
 */
export function convertToGeminiSchema(schema: unknown): Record<string, unknown> | undefined {
  if (!isRecord(schema)) return undefined;
  const converted = convertNode(schema, schema, []);
  const properties = converted.properties;
  if (converted.type === 'OBJECT' && (!isRecord(properties) || Object.keys(properties).length === 0)) return undefined;
  if (Object.keys(converted).length === 0) return undefined;
  return converted;
}

const KNOWN_FORMATS = new Set(['enum', 'date-time', 'float', 'double', 'int32', 'int64']);
const COPIED_KEYS = [
  'description',
  'title',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minProperties',
  'maxProperties',
  'propertyOrdering',
] as const;

type Json = Record<string, unknown>;

function convertNode(node: Json, root: Json, refStack: string[]): Json {
  if (typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (refStack.includes(ref)) return { type: 'OBJECT' };
    const target = resolveLocalRef(ref, root);
    if (!target) return {};
    // Keywords beside a $ref (descriptions, mostly) are kept over the target's own.
    const { $ref: _ref, ...siblings } = node;
    return convertNode({ ...target, ...siblings }, root, [...refStack, ref]);
  }
  if (Array.isArray(node.allOf)) {
    const { allOf, ...rest } = node;
    return convertNode(mergeAll([rest, ...allOf.filter(isRecord)]), root, refStack);
  }

  const result: Json = {};
  const alternatives = (
    Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined
  )?.filter(isRecord);
  if (alternatives) {
    const nonNull = alternatives.filter((member) => member.type !== 'null');
    const nullable = nonNull.length < alternatives.length;
    if (nonNull.length === 1) {
      Object.assign(result, convertNode(nonNull[0], root, refStack));
    } else if (nonNull.length > 1) {
      result.anyOf = nonNull.map((member) => convertNode(member, root, refStack));
    }
    if (nullable) result.nullable = true;
  }

  const types = (Array.isArray(node.type) ? node.type : [node.type]).filter(
    (value): value is string => typeof value === 'string',
  );
  const nonNullTypes = types.filter((value) => value !== 'null');
  if (types.length > nonNullTypes.length) result.nullable = true;
  if (nonNullTypes.length === 1) {
    result.type = nonNullTypes[0].toUpperCase();
  } else if (nonNullTypes.length > 1) {
    // Each member gets the keywords meant for its type (e.g. `items` for an array member).
    result.anyOf = nonNullTypes.map((type) => convertNode(narrowToType(node, type), root, refStack));
    return copyAnnotations(node, result);
  }

  if (node.const !== undefined) {
    if (typeof node.const === 'string') {
      result.enum = [node.const];
      result.type ??= 'STRING';
    }
  } else if (Array.isArray(node.enum)) {
    const values = node.enum.filter((value) => value !== null);
    if (values.length > 0 && values.every((value) => typeof value === 'string')) {
      result.enum = values;
      result.type ??= 'STRING';
    }
    if (values.length < node.enum.length) result.nullable = true;
  }

  if (typeof node.format === 'string' && KNOWN_FORMATS.has(node.format)) result.format = node.format;
  if (isRecord(node.properties)) {
    const properties: Json = {};
    for (const [name, value] of Object.entries(node.properties)) {
      if (isRecord(value)) properties[name] = convertNode(value, root, refStack);
    }
    result.properties = properties;
    result.type ??= 'OBJECT';
    if (Array.isArray(node.required)) {
      const required = node.required.filter((name) => typeof name === 'string' && name in properties);
      if (required.length > 0) result.required = required;
    }
  }
  if (isRecord(node.items)) {
    result.items = convertNode(node.items, root, refStack);
    result.type ??= 'ARRAY';
  }
  return copyAnnotations(node, result);
}

/** One member of a type list: the node with that type, without the structure keywords of the other types. */
function narrowToType(node: Json, type: string): Json {
  const { items, properties, required, ...rest } = node;
  if (type === 'array') return { ...rest, type, items };
  if (type === 'object') return { ...rest, type, properties, required };
  return { ...rest, type };
}

function copyAnnotations(node: Json, result: Json): Json {
  for (const key of COPIED_KEYS) {
    if (node[key] !== undefined && result[key] === undefined) result[key] = node[key];
  }
  return result;
}

/** Only references into the same document: the gateway never fetches a schema. */
function resolveLocalRef(ref: string, root: Json): Json | undefined {
  if (!ref.startsWith('#/')) return ref === '#' ? root : undefined;
  let current: unknown = root;
  for (const segment of ref.slice(2).split('/')) {
    if (!isRecord(current)) return undefined;
    current = current[decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return isRecord(current) ? current : undefined;
}

/** `allOf` members merged: properties and required lists joined, other keywords from the first member that has one. */
function mergeAll(members: Json[]): Json {
  const merged: Json = {};
  for (const member of members) {
    for (const [key, value] of Object.entries(member)) {
      if (key === 'properties' && isRecord(value)) {
        merged.properties = { ...(isRecord(merged.properties) ? merged.properties : {}), ...value };
      } else if (key === 'required' && Array.isArray(value)) {
        merged.required = [...new Set([...(Array.isArray(merged.required) ? merged.required : []), ...value])];
      } else if (merged[key] === undefined) {
        merged[key] = value;
      }
    }
  }
  return merged;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
