#!/usr/bin/env node
// Runs the bundled CLI (dist/switchboard.mjs, built by `npm install` / `npm run build`); from a checkout without a
// bundle, runs the TypeScript sources through tsx instead.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/switchboard.mjs', import.meta.url);
if (existsSync(bundle) && process.env.SWITCHBOARD_FROM_SOURCE !== '1') {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/runtime/node/cli.ts');
}
