import type { Context } from 'hono';

const bearer = /^Bearer\s+(.+)$/i;

/** The key a request presents: `Authorization: Bearer <key>` (OpenAI clients) or `x-api-key` (Anthropic clients). */
export function presentedKey(c: Context): string | undefined {
  return c.req.header('authorization')?.match(bearer)?.[1]?.trim() ?? c.req.header('x-api-key')?.trim();
}
