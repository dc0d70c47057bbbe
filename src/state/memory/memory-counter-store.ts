import type { CounterStore } from '../counter-store.ts';

/** In-process counters; atomic because JavaScript runs one task at a time. */
export class MemoryCounterStore implements CounterStore {
  private readonly counters = new Map<string, { value: number; expiresAt: number }>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  async add(key: string, amount: number, ttlMs: number): Promise<number> {
    const counter = this.live(key) ?? this.create(key, ttlMs);
    counter.value += amount;
    return counter.value;
  }

  async addWithinLimit(
    key: string,
    amount: number,
    limit: number,
    ttlMs: number,
  ): Promise<{ added: boolean; value: number }> {
    const counter = this.live(key) ?? this.create(key, ttlMs);
    if (counter.value + amount > limit) return { added: false, value: counter.value };
    counter.value += amount;
    return { added: true, value: counter.value };
  }

  async get(key: string): Promise<number> {
    return this.live(key)?.value ?? 0;
  }

  private live(key: string): { value: number; expiresAt: number } | undefined {
    const counter = this.counters.get(key);
    if (counter && counter.expiresAt <= this.now()) {
      this.counters.delete(key);
      return undefined;
    }
    return counter;
  }

  private create(key: string, ttlMs: number): { value: number; expiresAt: number } {
    const counter = { value: 0, expiresAt: this.now() + ttlMs };
    this.counters.set(key, counter);
    return counter;
  }
}
