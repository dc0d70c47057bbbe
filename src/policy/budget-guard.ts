import type { CounterStore } from '../state/counter-store.ts';
import { PolicyRefusal } from './policy-refusal.ts';
import type { KeyBudget } from './virtual-key.ts';

/** Spend is counted in micro-dollars: integers, which every counter backend adds exactly. */
const microsPerUsd = 1_000_000;
const foreverMs = 50 * 365 * 24 * 3_600_000;
const dayMs = 24 * 3_600_000;

type Period = 'daily' | 'monthly' | 'total';
type Window = { period: Period; key: string; limitMicros: number; ttlMs: number; resetsAt?: string };

/**
 * Budgets in USD per UTC day, per UTC calendar month and in total. Before the call the estimated cost (prompt
 * estimate and output allowance at the model's price, at least one micro-dollar) is reserved in every window with
 * `addWithinLimit`; when the request ends the reservation is replaced by the real cost in the windows it was
 * reserved in. A request that starts under budget may end over it (its real cost is always counted); the next one
 * is refused with a 402 until the window resets.
 */
export class BudgetGuard {
  constructor(
    private readonly counters: CounterStore,
    private readonly now: () => number,
  ) {}

  async reserve(scope: string, budget: KeyBudget, estimatedUsd: number): Promise<BudgetReservation> {
    const amount = Math.max(1, Math.ceil(estimatedUsd * microsPerUsd));
    const taken: Window[] = [];
    for (const window of this.windows(scope, budget)) {
      const result = await this.counters.addWithinLimit(window.key, amount, window.limitMicros, window.ttlMs);
      if (!result.added) {
        await Promise.all(taken.map((entry) => this.counters.add(entry.key, -amount, entry.ttlMs)));
        const limitUsd = window.limitMicros / microsPerUsd;
        const resets = window.resetsAt ? ` It resets at ${window.resetsAt}.` : '';
        throw new PolicyRefusal({
          status: 402,
          type: 'insufficient_quota',
          code: 'budget_exceeded',
          message: `Key '${scope}' has used its ${window.period} budget of $${limitUsd.toFixed(2)}.${resets}`,
          isRetryable: false,
        });
      }
      taken.push(window);
    }
    return new BudgetReservation(this.counters, taken, amount);
  }

  /** What a scope has spent in the current windows, in USD. */
  async spent(scope: string): Promise<{ dailyUsd: number; monthlyUsd: number; totalUsd: number }> {
    const windows = this.windows(scope, { dailyUsd: 1, monthlyUsd: 1, totalUsd: 1 });
    const [daily, monthly, total] = await Promise.all(windows.map((window) => this.counters.get(window.key)));
    return {
      dailyUsd: (daily ?? 0) / microsPerUsd,
      monthlyUsd: (monthly ?? 0) / microsPerUsd,
      totalUsd: (total ?? 0) / microsPerUsd,
    };
  }

  private windows(scope: string, budget: KeyBudget): Window[] {
    const now = this.now();
    const date = new Date(now);
    const day = date.toISOString().slice(0, 10);
    const nextDay = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
    const nextMonth = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    const windows: Window[] = [];
    const micros = (usd: number) => Math.round(usd * microsPerUsd);
    if (budget.dailyUsd !== undefined) {
      windows.push({
        period: 'daily',
        key: `budget:${scope}:day:${day}`,
        limitMicros: micros(budget.dailyUsd),
        ttlMs: nextDay - now + dayMs,
        resetsAt: new Date(nextDay).toISOString(),
      });
    }
    if (budget.monthlyUsd !== undefined) {
      windows.push({
        period: 'monthly',
        key: `budget:${scope}:month:${day.slice(0, 7)}`,
        limitMicros: micros(budget.monthlyUsd),
        ttlMs: nextMonth - now + dayMs,
        resetsAt: new Date(nextMonth).toISOString(),
      });
    }
    if (budget.totalUsd !== undefined) {
      windows.push({
        period: 'total',
        key: `budget:${scope}:total`,
        limitMicros: micros(budget.totalUsd),
        ttlMs: foreverMs,
      });
    }
    return windows;
  }
}

/** One request's hold on its budgets. */
export class BudgetReservation {
  private done = false;

  constructor(
    private readonly counters: CounterStore,
    private readonly windows: Window[],
    private readonly amountMicros: number,
  ) {}

  /** The request ended and cost `actualUsd` (0 for a cache hit): the reservation becomes that. */
  async settle(actualUsd: number): Promise<void> {
    if (this.done) return;
    this.done = true;
    const difference = Math.round(actualUsd * microsPerUsd) - this.amountMicros;
    if (difference === 0) return;
    await Promise.all(this.windows.map((window) => this.counters.add(window.key, difference, window.ttlMs)));
  }

  async release(): Promise<void> {
    await this.settle(0);
  }
}
