import type { TestProject } from 'vitest/node';
// Brings in the `ProvidedContext` declaration that types `provide('workerBindings', …)`.
import type {} from '../../vitest.config.ts';
import { startFakeOpenAI } from '../fakes/fake-openai-server.ts';

/**
 * Runs in Node before the workers project: starts the fake OpenAI upstream on 127.0.0.1 and hands the Worker its vars
 * and secrets, as `wrangler secret put` would. The config reads the upstream's URL and key through `${NAME}`, like a
 * deployed config does. Chunks are spaced so a test can tell a stream that flows from one that is buffered.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const upstreamKey = 'sk-upstream-workers-0001';
  const fake = await startFakeOpenAI({ models: ['gpt-4o-mini', 'gpt-4o'], apiKey: upstreamKey, chunkIntervalMs: 40 });
  project.provide('workerBindings', {
    SWITCHBOARD_CONFIG: `
providers:
  - id: fake
    type: openai
    baseUrl: \${FAKE_OPENAI_BASE_URL}
    apiKey: \${FAKE_OPENAI_KEY}
    models: [{ id: fast, model: gpt-4o-mini }]
routing:
  retries: 0
  timeoutMs: 5000
catalog:
  discoveryTimeoutMs: 3000
`,
    SWITCHBOARD_API_KEYS: 'sk-gw-workers-a, sk-gw-workers-b',
    FAKE_OPENAI_BASE_URL: fake.baseUrl,
    FAKE_OPENAI_KEY: upstreamKey,
  });
  return () => fake.close();
}
