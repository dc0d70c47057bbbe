/*
 * The few Workers types these backends use, written structurally so the files also type-check under the Node and
 * core tsconfigs (which do not load @cloudflare/workers-types). The runtime's own objects satisfy them.
 */

/** `ctx.storage.sql` of a SQLite-backed Durable Object. */
export type SqlStorageLike = {
  exec(query: string, ...bindings: Array<string | number | null>): { toArray(): Array<Record<string, unknown>> };
};

/** The `ctx` a Durable Object class is constructed with. */
export type DurableObjectStateLike = {
  storage: {
    sql: SqlStorageLike;
    getAlarm(): Promise<number | null>;
    setAlarm(scheduledTime: number): Promise<void>;
  };
};

/** A Durable Object namespace binding (`env.SWITCHBOARD_COUNTERS`). */
export type DurableObjectNamespaceLike = {
  idFromName(name: string): unknown;
  get(id: never): { fetch(request: Request): Promise<Response> };
};
