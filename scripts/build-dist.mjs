// Bundles the Node CLI into dist/switchboard.mjs (dependencies stay external), so `switchboard serve` starts without
// compiling TypeScript at run time: less memory and a faster start. Runs on `npm install` (prepare), on `npm start`
// and before the test suite, so the bundle never lags behind the sources.
import { build } from 'esbuild';

const started = Date.now();
await build({
  entryPoints: ['src/runtime/node/cli.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  // Split: modules the CLI imports dynamically (the SQLite and Redis backends) load, with their clients, on demand.
  splitting: true,
  outdir: 'dist',
  entryNames: 'switchboard',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  sourcemap: 'linked',
  logLevel: 'warning',
});
if (!process.argv.includes('--quiet')) console.log(`dist/switchboard.mjs built in ${Date.now() - started} ms`);
