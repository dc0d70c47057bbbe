import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../canonical/index.ts';
import type { Candidate } from '../catalog/model-catalog.ts';
import type { ProviderAdapter } from '../providers/provider-adapter.ts';
import { type ExecuteOptions, executeWithFallback } from './execute-with-fallback.ts';

const adapter = { format: 'openai' } as ProviderAdapter;

function candidate(id: string): Candidate {
  return {
    provider: {
      id,
      type: 'openai',
      baseUrl: `http://127.0.0.1/${id}`,
      models: [],
      aliases: {},
      discover: true,
      source: 'config',
    },
    adapter,
    upstreamModel: `${id}-model`,
  };
}

const fail = (status: number, extra: Partial<ConstructorParameters<typeof GatewayError>[0]> = {}) =>
  new GatewayError({ status, message: `status ${status}`, ...extra });

/**
 * An attempt function answering from a script per provider (each entry used once, the last one repeated), recording
 * which provider was tried and at what (fake) time.
 */
function scripted(script: Record<string, Array<GatewayError | Error | string>>) {
  const tries: Array<{ provider: string; at: number }> = [];
  const used: Record<string, number> = {};
  const attempt = async (target: Candidate) => {
    const id = target.provider.id;
    tries.push({ provider: id, at: Date.now() });
    const answers = script[id] ?? ['ok'];
    const index = Math.min(used[id] ?? 0, answers.length - 1);
    used[id] = (used[id] ?? 0) + 1;
    const answer = answers[index];
    if (answer instanceof Error) throw answer;
    return `${id}:${answer}`;
  };
  return { attempt, tries, order: () => tries.map((entry) => entry.provider) };
}

function options(overrides: Partial<ExecuteOptions> = {}): ExecuteOptions {
  return {
    retries: 2,
    signal: new AbortController().signal,
    deadlineAt: Date.now() + 60_000,
    now: () => Date.now(),
    random: () => 0.5,
    backoffBaseMs: 100,
    backoffCapMs: 10_000,
    ...overrides,
  };
}

/** Runs the loop to completion under fake timers, returning the outcome either way. */
async function run(promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  const settled = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  return settled;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('executeWithFallback', () => {
  it('returns the first success, in candidate order, with the attempts made', async () => {
    const { attempt, order } = scripted({ a: [fail(503)], b: ['ok'] });
    const outcome = await run(executeWithFallback([candidate('a'), candidate('b')], attempt, options()));
    expect(order()).toEqual(['a', 'b']);
    const result = outcome.value as Awaited<ReturnType<typeof executeWithFallback<string>>>;
    expect(result.value).toBe('b:ok');
    expect(result.candidate.provider.id).toBe('b');
    expect(result.attempts).toEqual([
      { provider: 'a', model: 'a-model', durationMs: 0, status: 503, error: 'status 503' },
      { provider: 'b', model: 'b-model', durationMs: 0 },
    ]);
  });

  it('tries every candidate once even with retries: 0', async () => {
    const { attempt, order } = scripted({ a: [fail(500)], b: [fail(502)], c: ['ok'] });
    const outcome = await run(
      executeWithFallback([candidate('a'), candidate('b'), candidate('c')], attempt, options({ retries: 0 })),
    );
    expect(order()).toEqual(['a', 'b', 'c']);
    expect(outcome.value).toMatchObject({ value: 'c:ok' });
  });

  it('retries retryable errors up to 1 + retries attempts, then throws the last with the attempts', async () => {
    const { attempt, order } = scripted({ a: [fail(429), fail(500), fail(503)] });
    const outcome = await run(executeWithFallback([candidate('a')], attempt, options({ retries: 2 })));
    expect(order()).toEqual(['a', 'a', 'a']);
    expect(outcome.error).toBeInstanceOf(GatewayError);
    expect((outcome.error as GatewayError).status).toBe(503);
    expect((outcome.error as { attempts?: unknown[] }).attempts).toHaveLength(3);
  });

  it.each([401, 403, 404])('fails over on %i without retrying the same candidate', async (status) => {
    const { attempt, order } = scripted({ a: [fail(status)], b: [fail(500), 'ok'] });
    const outcome = await run(executeWithFallback([candidate('a'), candidate('b')], attempt, options({ retries: 3 })));
    expect(order()).toEqual(['a', 'b', 'b']);
    expect(outcome.value).toMatchObject({ value: 'b:ok' });
  });

  it('when every candidate is refused for its key or model, throws the last refusal without retrying', async () => {
    const { attempt, order } = scripted({ a: [fail(401)], b: [fail(404)] });
    const outcome = await run(executeWithFallback([candidate('a'), candidate('b')], attempt, options({ retries: 5 })));
    expect(order()).toEqual(['a', 'b']);
    expect((outcome.error as GatewayError).status).toBe(404);
  });

  it.each([400, 413, 422])('stops at once on %i (the request is at fault)', async (status) => {
    const { attempt, order } = scripted({ a: [fail(status)], b: ['ok'] });
    const outcome = await run(executeWithFallback([candidate('a'), candidate('b')], attempt, options()));
    expect(order()).toEqual(['a']);
    expect((outcome.error as GatewayError).status).toBe(status);
    expect((outcome.error as { attempts?: unknown[] }).attempts).toHaveLength(1);
  });

  it('rethrows an error that is not a GatewayError at once', async () => {
    const { attempt, order } = scripted({ a: [new TypeError('bug')], b: ['ok'] });
    const outcome = await run(executeWithFallback([candidate('a'), candidate('b')], attempt, options()));
    expect(order()).toEqual(['a']);
    expect(outcome.error).toBeInstanceOf(TypeError);
  });

  it('backs off with full jitter, deterministic with an injected random, growing each round', async () => {
    const { attempt, tries } = scripted({ a: [fail(500)] });
    await run(
      executeWithFallback([candidate('a')], attempt, options({ retries: 4, random: () => 0.5, backoffBaseMs: 100 })),
    );
    const gaps = tries.slice(1).map((entry, index) => entry.at - (tries[index] as { at: number }).at);
    expect(gaps).toEqual([50, 100, 200, 400]);
  });

  it('caps the backoff', async () => {
    const { attempt, tries } = scripted({ a: [fail(500)] });
    await run(
      executeWithFallback(
        [candidate('a')],
        attempt,
        options({ retries: 4, random: () => 0.5, backoffBaseMs: 100, backoffCapMs: 300 }),
      ),
    );
    const gaps = tries.slice(1).map((entry, index) => entry.at - (tries[index] as { at: number }).at);
    expect(gaps).toEqual([50, 100, 150, 150]);
  });

  it('grows the backoff each round even when the first candidate is out of the running', async () => {
    const { attempt, tries } = scripted({ a: [fail(401)], b: [fail(500)] });
    await run(
      executeWithFallback([candidate('a'), candidate('b')], attempt, options({ retries: 4, random: () => 0.5 })),
    );
    expect(tries.map((entry) => entry.provider)).toEqual(['a', 'b', 'b', 'b', 'b']);
    const gaps = tries.slice(2).map((entry, index) => entry.at - (tries[index + 1] as { at: number }).at);
    expect(gaps).toEqual([50, 100, 200]);
  });

  it('honours retry-after when it fits the deadline', async () => {
    const { attempt, tries } = scripted({ a: [fail(429, { retryAfterMs: 1_500 }), 'ok'] });
    const outcome = await run(executeWithFallback([candidate('a')], attempt, options()));
    expect(outcome.value).toMatchObject({ value: 'a:ok' });
    expect((tries[1]?.at ?? 0) - (tries[0]?.at ?? 0)).toBe(1_500);
  });

  it('does not sleep through a retry-after that does not fit the deadline', async () => {
    const { attempt, order } = scripted({ a: [fail(429, { retryAfterMs: 30_000 }), 'ok'] });
    const startedAt = Date.now();
    const outcome = await run(
      executeWithFallback([candidate('a')], attempt, options({ deadlineAt: Date.now() + 10_000 })),
    );
    expect(order()).toEqual(['a']);
    expect((outcome.error as GatewayError).status).toBe(429);
    expect(Date.now() - startedAt).toBe(0);
  });

  it('a retry-after that does not fit still lets the other candidates be tried', async () => {
    const { attempt, order } = scripted({ a: [fail(429, { retryAfterMs: 30_000 })], b: ['ok'] });
    const outcome = await run(
      executeWithFallback([candidate('a'), candidate('b')], attempt, options({ deadlineAt: Date.now() + 10_000 })),
    );
    expect(order()).toEqual(['a', 'b']);
    expect(outcome.value).toMatchObject({ value: 'b:ok' });
  });

  it('abort stops a waiting backoff at once, as a 499', async () => {
    const controller = new AbortController();
    const { attempt, order } = scripted({ a: [fail(500)] });
    const promise = executeWithFallback(
      [candidate('a')],
      attempt,
      options({ signal: controller.signal, random: () => 0.99, backoffBaseMs: 5_000 }),
    ).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    expect(order()).toEqual(['a']);
    controller.abort();
    const error = (await promise) as GatewayError;
    expect(error.status).toBe(499);
    expect(error.code).toBe('client_closed_request');
    expect(order()).toEqual(['a']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an abort carrying a GatewayError (the deadline) surfaces that error', async () => {
    const controller = new AbortController();
    const deadline = new GatewayError({ status: 504, code: 'deadline_exceeded', message: 'too slow' });
    const { attempt } = scripted({ a: [fail(500)] });
    const promise = executeWithFallback(
      [candidate('a')],
      attempt,
      options({ signal: controller.signal, backoffBaseMs: 5_000 }),
    ).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort(deadline);
    expect(await promise).toBe(deadline);
  });

  it('does not start when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const { attempt, order } = scripted({});
    const outcome = await run(executeWithFallback([candidate('a')], attempt, options({ signal: controller.signal })));
    expect(order()).toEqual([]);
    expect((outcome.error as GatewayError).status).toBe(499);
  });
});

describe('executeWithFallback with no candidates', () => {
  it('fails with a 503 instead of attempting anything', async () => {
    let called = false;
    await expect(
      executeWithFallback(
        [],
        async () => {
          called = true;
        },
        { retries: 2, signal: new AbortController().signal, deadlineAt: Date.now() + 1_000, now: Date.now },
      ),
    ).rejects.toMatchObject({ status: 503, code: 'no_healthy_provider' });
    expect(called).toBe(false);
  });
});
