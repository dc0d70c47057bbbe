// Bundles the Node CLI into dist/switchboard.mjs (and the request log's worker into dist/log-store-worker.mjs), so `switchboard serve` starts without compiling TypeScript at run
// time: less memory and a faster start. Runs on `npm install` (prepare), on `npm start` and before the test suite, so
// the bundle never lags behind the sources.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

// Pure-JavaScript dependencies the gateway needs at start are bundled (tree-shaken, whitespace and syntax minified):
// one module instead of hundreds of ESM module records saves ~9 MB of idle RSS. The others stay external: the
// SQLite and Redis clients (native code) and the YAML parser, each loaded only when used, and tsx (the fallback
// runner for the sources).
const bundled = new Set(['hono', '@hono/node-server', 'zod', 'eventsource-parser']);
const { dependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = Object.keys(dependencies).filter((name) => !bundled.has(name));

const started = Date.now();
await build({
  // The request log's worker thread is an entry of its own: `new Worker` loads it from dist/ by name.
  entryPoints: { switchboard: 'src/runtime/node/cli.ts', 'log-store-worker': 'src/runtime/node/log-store-worker.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  // Names stay (stack traces and profiles read as the sources do); only whitespace and syntax are minified.
  minifyWhitespace: true,
  minifySyntax: true,
  // Split: modules the CLI imports dynamically (the SQLite and Redis backends) load, with their clients, on demand.
  splitting: true,
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  sourcemap: 'linked',
  logLevel: 'warning',
});
if (!process.argv.includes('--quiet')) console.log(`dist/switchboard.mjs built in ${Date.now() - started} ms`);
