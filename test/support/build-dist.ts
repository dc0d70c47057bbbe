import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

/** Vitest global setup: rebuilds dist/switchboard.mjs once, so spawned CLIs run the sources as they are now. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-dist.mjs', '--quiet'], {
    cwd: resolve(import.meta.dirname, '../..'),
    stdio: 'inherit',
    timeout: 60_000,
  });
}
