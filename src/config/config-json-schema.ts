import { z } from 'zod';
import { gatewayConfigSchema } from './gateway-config-schema.ts';

/**
 * The config file's JSON Schema, for editors (`# yaml-language-server: $schema=…`) and other tooling. Draft-07,
 * which every YAML/JSON language server reads; `io: 'input'` describes what a person writes, optional fields and all.
 * `docs/switchboard.schema.json` is this, written by `npm run schema`; a test keeps the two equal.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(gatewayConfigSchema, { target: 'draft-07', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = schema;
  return {
    $schema,
    title: 'Switchboard configuration',
    description:
      'switchboard.yaml / switchboard.json. Every string may use ${NAME} or ${NAME:-default} environment references. See docs/configuration.md.',
    ...rest,
  };
}
