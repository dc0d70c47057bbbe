import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

/** The web UI is served by the Worker exactly as on Node: from the generated module, no asset binding. */
const origin = 'http://gateway.test';

describe('the web UI on Workers', () => {
  it('serves the page and its hashed assets with cache headers and the CSP', async () => {
    const page = await exports.default.fetch(new Request(`${origin}/`));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    const script = html.match(/src="(\/ui\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await exports.default.fetch(new Request(`${origin}${script}`));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await asset.text()).length).toBeGreaterThan(1000);
  });
});
