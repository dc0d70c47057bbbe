import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configJsonSchema } from '../src/config/config-json-schema.ts';

/** Writes docs/switchboard.schema.json from the config's zod schema (`npm run schema`), formatted as the repo is. */
const root = resolve(import.meta.dirname, '..');
const target = resolve(root, 'docs/switchboard.schema.json');
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
execFileSync(resolve(root, 'node_modules/.bin/biome'), ['format', '--write', target], { stdio: 'ignore' });
process.stdout.write(`wrote ${target}\n`);
