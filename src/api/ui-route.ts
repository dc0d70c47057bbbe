import { type Context, Hono } from 'hono';
import { type UiAsset, uiAssets, uiIndexHtml } from '../ui/generated/ui-assets.ts';
import type { GatewayEnv } from './gateway-env.ts';

/**
 * Self only: the UI loads its script, styles and icon from this origin and talks to this gateway; no inline script
 * or style, no frames, no third-party fonts or CDNs (it works offline).
 */
export const uiContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const immutable = 'public, max-age=31536000, immutable';

/**
 * The web UI (playground, compare, dashboard, models, keys): `GET /` is the page (revalidated on every load: the
 * hashed asset names in it change with each build), `GET /ui/<name>.<hash>.<ext>` the bundled assets (cached for
 * good). Everything is served from the generated module src/ui/generated/ui-assets.ts, so Node and Workers need no
 * file system or asset binding. The UI holds no secrets: it calls the same endpoints with the key the user gives it.
 */
export function uiRoute(): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get('/', (c) => serve(c, uiIndexHtml, 'no-cache'));
  app.get('/ui/:file', (c, next) => {
    const asset = uiAssets[`/ui/${c.req.param('file')}`];
    return asset ? serve(c, asset, immutable) : next();
  });
  return app;
}

function serve(c: Context<GatewayEnv>, asset: UiAsset, cacheControl: string): Response {
  const headers = new Headers({
    etag: asset.etag,
    'cache-control': cacheControl,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  if (asset.contentType.startsWith('text/html')) {
    headers.set('content-security-policy', uiContentSecurityPolicy);
    headers.set('x-frame-options', 'DENY');
  }
  if (matchesEtag(c.req.header('if-none-match'), asset.etag)) return new Response(null, { status: 304, headers });
  headers.set('content-type', asset.contentType);
  return new Response(asset.body, { status: 200, headers });
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}
