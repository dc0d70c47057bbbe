import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

declare module 'vitest' {
  interface ProvidedContext {
    /** Vars and secrets for the Worker under test, pointing at the fake upstream the global setup starts. */
    workerBindings: Record<string, string>;
  }
}

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/workers/**', 'node_modules/**'],
          globalSetup: ['test/support/build-dist.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        // The gateway in real workerd (Miniflare), against a fake upstream on 127.0.0.1 started in Node.
        plugins: [
          cloudflareTest(({ inject }) => ({
            main: './src/runtime/workers/worker.ts',
            wrangler: { configPath: './wrangler.jsonc' },
            miniflare: { bindings: inject('workerBindings') },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          globalSetup: ['test/workers/start-fake-upstream.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
