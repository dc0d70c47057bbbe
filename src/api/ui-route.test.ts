import { describe, expect, it } from 'vitest';
import { uiAssets, uiIndexHtml } from '../ui/generated/ui-assets.ts';
import { uiContentSecurityPolicy, uiRoute } from './ui-route.ts';

describe('uiRoute', () => {
  const app = uiRoute();

  it('serves the page with a strict CSP, revalidated on every load', async () => {
    const response = await app.request('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('etag')).toBe(uiIndexHtml.etag);
    expect(response.headers.get('content-security-policy')).toBe(uiContentSecurityPolicy);
    expect(uiContentSecurityPolicy).toContain("default-src 'none'");
    expect(uiContentSecurityPolicy).not.toMatch(/unsafe|https?:|\*/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toMatch(/<script src="\/ui\/app\.[0-9a-f]{16}\.js" defer><\/script>/);
    expect(html).not.toMatch(/<script>|style=|https?:\/\//);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const response = await app.request('/', { headers: { 'if-none-match': `W/${uiIndexHtml.etag}` } });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
  });

  it('serves every hashed asset named in the page as immutable, with its type', async () => {
    const html = uiIndexHtml.body;
    const paths = Object.keys(uiAssets);
    expect(paths.length).toBe(3);
    for (const path of paths) {
      expect(html).toContain(path);
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toBe(uiAssets[path]?.contentType);
      expect(response.headers.get('etag')).toBe(uiAssets[path]?.etag);
      expect(await response.text()).toBe(uiAssets[path]?.body);
    }
  });

  it('leaves unknown asset names to the rest of the app', async () => {
    expect((await app.request('/ui/app.0000000000000000.js')).status).toBe(404);
  });

  it('keeps the bundle small and free of external URLs', () => {
    const js = Object.entries(uiAssets).find(([path]) => path.endsWith('.js'))?.[1].body ?? '';
    expect(js.length).toBeLessThan(60_000);
    expect(js).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });
});
