// Types of the Worker under test as the workers test project sees it (bindings come from start-fake-upstream.ts).
declare namespace Cloudflare {
  interface Env {
    SWITCHBOARD_CONFIG: string;
    SWITCHBOARD_API_KEYS: string;
    FAKE_OPENAI_BASE_URL: string;
    FAKE_OPENAI_KEY: string;
  }
  interface GlobalProps {
    mainModule: typeof import('../../src/runtime/workers/worker.ts');
  }
}
