// The request log's worker thread when the gateway runs from its TypeScript sources (tests, `bin/` without a
// bundle): registers tsx in the thread, then loads the worker, as bin/switchboard.js does for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./log-store-worker.ts');
