import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildUiModule, generatedPath } from '../../scripts/build-ui.ts';

describe('the committed web UI bundle', () => {
  it('matches a fresh build of src/ui/app (run npm run build:ui after changing the UI)', async () => {
    const fresh = await buildUiModule();
    expect(
      readFileSync(generatedPath, 'utf8') === fresh,
      'src/ui/generated/ui-assets.ts is stale: npm run build:ui',
    ).toBe(true);
  }, 30_000);
});
