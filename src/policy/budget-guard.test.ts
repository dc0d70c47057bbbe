import { describe, expect, it } from 'vitest';
import { policyGateway } from '../../test/support/policy-gateway.ts';
import { MemoryCounterStore } from '../state/memory/memory-counter-store.ts';
import { BudgetGuard } from './budget-guard.ts';

// gpt-4o-mini at the built-in price ($0.15 / $0.60 per million): this usage costs $0.015 + $0.06 = $0.075.
const expensiveUsage = { prompt_tokens: 100_000, completion_tokens: 100_000, total_tokens: 200_000 };

describe('budgets', () => {
  it('usage that arrives only in the last chunk of a stream still counts: the next request is refused 402', async () => {
    const gateway = policyGateway({}, { usage: expensiveUsage, content: 'a long answer' });
    const key = await gateway.createKey({ budget: { dailyUsd: 0.05 } });
    const stream = await gateway.chat(key.secret, { stream: true });
    expect(stream.status).toBe(200);
    // While the stream is unread only its estimate is held, so another request still fits.
    const meanwhile = await gateway.chat(key.secret);
    expect(meanwhile.status).toBe(200);
    const text = await stream.text();
    expect(text).toContain('data: [DONE]');
    expect(text).not.toContain('"usage"');
    await gateway.settled();
    const refused = await gateway.chat(key.secret);
    expect(refused.status).toBe(402);
    const body = (await refused.json()) as { error: Record<string, string> };
    expect(body.error).toMatchObject({ type: 'insufficient_quota', code: 'budget_exceeded' });
    expect(body.error.message).toContain('daily budget of $0.05');
    const spend = (await (await gateway.admin(`/admin/keys/${key.id}`)).json()) as { spend: { dailyUsd: number } };
    expect(spend.spend.dailyUsd).toBeCloseTo(0.15, 6);
  });

  it('a config default budget applies to keys without one; a failed request costs nothing', async () => {
    const gateway = policyGateway({ limits: { budget: { totalUsd: 0.1 } } }, { usage: expensiveUsage });
    const key = await gateway.createKey();
    expect((await gateway.chat(key.secret, { model: 'no-such-model' })).status).toBe(404);
    await gateway.settled();
    expect((await gateway.chat(key.secret)).status).toBe(200);
    await gateway.settled();
    expect((await gateway.chat(key.secret)).status).toBe(200);
    await gateway.settled();
    expect((await gateway.chat(key.secret)).status).toBe(402);
  });

  it('parallel requests at a budget: reservations are exact', async () => {
    const guard = new BudgetGuard(new MemoryCounterStore(), Date.now);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, () => guard.reserve('k', { monthlyUsd: 1 }, 0.1)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(10);
    expect(await guard.spent('k')).toMatchObject({ monthlyUsd: 1 });
  });
});
