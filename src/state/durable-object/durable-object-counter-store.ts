import type { CounterStore } from '../counter-store.ts';
import type { CounterOperation } from './counter-durable-object.ts';
import type { DurableObjectNamespaceLike } from './durable-object-bindings.ts';

/**
 * Counters on Workers, exact across isolates and locations: every operation goes to the `CounterDurableObject` named
 * after the counter's key (one object per key). Per key rather than `hash(key) % N` shards: a hot key (one busy
 * virtual key's rate limit) never slows the others, there is no shard count to choose or change later, and an
 * object is created on first use and emptied by its alarm, so idle keys cost nothing. The price is one object per
 * live counter, which Durable Objects are built for.
 */
export class DurableObjectCounterStore implements CounterStore {
  private readonly namespace: DurableObjectNamespaceLike;

  constructor(namespace: DurableObjectNamespaceLike) {
    this.namespace = namespace;
  }

  async add(key: string, amount: number, ttlMs: number): Promise<number> {
    const { value } = await this.call<{ value: number }>({ op: 'add', key, amount, ttlMs });
    return value;
  }

  addWithinLimit(
    key: string,
    amount: number,
    limit: number,
    ttlMs: number,
  ): Promise<{ added: boolean; value: number }> {
    return this.call({ op: 'addWithinLimit', key, amount, limit, ttlMs });
  }

  async get(key: string): Promise<number> {
    const { value } = await this.call<{ value: number }>({ op: 'get', key });
    return value;
  }

  private async call<T>(operation: CounterOperation): Promise<T> {
    const stub = this.namespace.get(this.namespace.idFromName(operation.key) as never);
    // The host is never resolved: a stub's fetch goes straight to the object.
    const response = await stub.fetch(
      new Request('https://counter.switchboard/', { method: 'POST', body: JSON.stringify(operation) }),
    );
    if (!response.ok) throw new Error(`counter durable object answered ${response.status}`);
    return (await response.json()) as T;
  }
}
