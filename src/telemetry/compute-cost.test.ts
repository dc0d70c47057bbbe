import { describe, expect, it } from 'vitest';
import { computeCost, estimateCost } from './compute-cost.ts';

describe('computeCost', () => {
  const price = { input: 2.5, output: 10, cachedInput: 1.25 };

  it('charges prompt tokens at the input rate and completion tokens at the output rate', () => {
    expect(computeCost({ prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }, price)).toBe(0.0075);
  });

  it('charges cached prompt tokens at the cached rate, the rest at the input rate', () => {
    const usage = {
      prompt_tokens: 1000,
      completion_tokens: 0,
      total_tokens: 1000,
      prompt_tokens_details: { cached_tokens: 800 },
    };
    expect(computeCost(usage, price)).toBe((200 * 2.5 + 800 * 1.25) / 1e6);
    expect(computeCost(usage, { input: 2.5, output: 10 })).toBe(0.0025);
  });

  it('never charges more cached tokens than prompt tokens', () => {
    const usage = {
      prompt_tokens: 10,
      completion_tokens: 0,
      total_tokens: 10,
      prompt_tokens_details: { cached_tokens: 50 },
    };
    expect(computeCost(usage, price)).toBe(0.0000125);
  });

  it('estimates a request before it runs from the prompt estimate and the completion budget', () => {
    expect(estimateCost({ prompt: 1_000_000, completion: 100_000 }, price)).toBe(3.5);
  });
});
