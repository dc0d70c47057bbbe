import type { DurableObjectStateLike } from './durable-object-bindings.ts';

/** What the client sends: one counter operation. */
export type CounterOperation =
  | { op: 'add'; key: string; amount: number; ttlMs: number }
  | { op: 'addWithinLimit'; key: string; amount: number; limit: number; ttlMs: number }
  | { op: 'get'; key: string };

/**
 * Counters in a SQLite-backed Durable Object (declared under `new_sqlite_classes` in wrangler.jsonc). A Durable
 * Object runs one event at a time and every operation here is synchronous SQL with no await in between, so each
 * read-check-write is atomic for every Worker isolate in every location: this is what makes limits exact on Workers.
 * An alarm deletes expired counters. Spoken to over fetch (`DurableObjectCounterStore`), which needs no import of
 * `cloudflare:workers`.
 */
export class CounterDurableObject {
  private readonly ctx: DurableObjectStateLike;

  constructor(ctx: DurableObjectStateLike, _env: unknown) {
    this.ctx = ctx;
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value REAL NOT NULL, expires_at INTEGER NOT NULL)',
    );
  }

  async fetch(request: Request): Promise<Response> {
    const operation = (await request.json()) as CounterOperation;
    const now = Date.now();
    if (operation.op === 'get') return Response.json({ value: this.live(operation.key, now)?.value ?? 0 });
    const counter = this.live(operation.key, now) ?? { value: 0, expiresAt: now + operation.ttlMs };
    if (operation.op === 'addWithinLimit' && counter.value + operation.amount > operation.limit) {
      return Response.json({ added: false, value: counter.value });
    }
    const value = counter.value + operation.amount;
    this.ctx.storage.sql.exec(
      'INSERT INTO counters (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
      operation.key,
      value,
      counter.expiresAt,
    );
    await this.scheduleSweep(counter.expiresAt);
    return Response.json(operation.op === 'add' ? { value } : { added: true, value });
  }

  /** Deletes expired counters and wakes again for the next expiry, so an idle object keeps no storage. */
  async alarm(): Promise<void> {
    const now = Date.now();
    this.ctx.storage.sql.exec('DELETE FROM counters WHERE expires_at <= ?', now);
    const [next] = this.ctx.storage.sql.exec('SELECT MIN(expires_at) AS next FROM counters').toArray();
    if (typeof next?.next === 'number') await this.ctx.storage.setAlarm(next.next);
  }

  private live(key: string, now: number): { value: number; expiresAt: number } | undefined {
    const [row] = this.ctx.storage.sql
      .exec('SELECT value, expires_at FROM counters WHERE key = ? AND expires_at > ?', key, now)
      .toArray();
    return row === undefined ? undefined : { value: Number(row.value), expiresAt: Number(row.expires_at) };
  }

  private async scheduleSweep(expiresAt: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > expiresAt) await this.ctx.storage.setAlarm(expiresAt);
  }
}
