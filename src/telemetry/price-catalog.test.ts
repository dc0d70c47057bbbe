import { describe, expect, it } from 'vitest';
import type { CatalogModel } from '../catalog/model-catalog.ts';
import { builtInPrices, PriceCatalog } from './price-catalog.ts';

describe('PriceCatalog', () => {
  const table = new PriceCatalog({});

  it('prices popular models from the built-in table by exact id, with its source and date', () => {
    const price = table.priceOf('openai', 'gpt-4o-mini');
    expect(price).toMatchObject({ input: 0.15, output: 0.6, cachedInput: 0.075 });
    expect(price?.source).toMatch(/^https:\/\//);
    expect(price?.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('matches dated and tagged ids by family prefix, the longest family first', () => {
    expect(table.priceOf('openai', 'gpt-4o-2024-08-06')?.input).toBe(2.5);
    expect(table.priceOf('openai', 'gpt-4o-mini-2024-07-18')?.input).toBe(0.15);
    expect(table.priceOf('anthropic', 'claude-3-5-haiku-20241022')?.output).toBe(4);
    expect(table.priceOf('gemini', 'gemini-2.5-flash-lite-preview-06-17')?.input).toBe(0.1);
    expect(table.priceOf('mistral', 'mistral-large-latest')?.input).toBe(2);
    expect(table.priceOf('openai', 'gpt-4oops')).toBeUndefined();
  });

  it('strips a vendor prefix (openai/gpt-4o) and prefers rows made for the provider', () => {
    expect(table.priceOf('openrouter', 'openai/gpt-4o')?.input).toBe(2.5);
    expect(table.priceOf('cerebras', 'llama-3.3-70b')?.input).toBe(0.85);
    expect(table.priceOf('groq', 'llama-3.3-70b-versatile')?.input).toBe(0.59);
  });

  it('lets config win: the provider own prices, then top-level by provider/model, then by model', () => {
    const prices = new PriceCatalog({
      configured: {
        global: { 'gpt-4o': { input: 1, output: 2 }, 'azure/gpt-4o': { input: 3, output: 4 } },
        providers: { mine: { 'gpt-4o': { input: 5, output: 6, cachedInput: 0.5 } } },
      },
    });
    expect(prices.priceOf('mine', 'gpt-4o')).toEqual({ input: 5, output: 6, cachedInput: 0.5, source: 'config' });
    expect(prices.priceOf('azure', 'gpt-4o')).toEqual({ input: 3, output: 4, source: 'config' });
    expect(prices.priceOf('openai', 'gpt-4o')).toEqual({ input: 1, output: 2, source: 'config' });
  });

  it("uses prices from a provider's model list ahead of the table, and sees refreshed lists", () => {
    let listing: CatalogModel[] = [
      {
        id: 'openai/gpt-4o',
        providerId: 'openrouter',
        upstreamModel: 'openai/gpt-4o',
        kind: 'chat',
        pricing: { input: 2.4, output: 9.5 },
      },
    ];
    const prices = new PriceCatalog({ discovered: () => listing });
    expect(prices.priceOf('openrouter', 'openai/gpt-4o')).toEqual({
      input: 2.4,
      output: 9.5,
      source: 'openrouter model list',
    });
    listing = [{ ...(listing[0] as CatalogModel), pricing: { input: 2, output: 8 } }];
    expect(prices.priceOf('openrouter', 'openai/gpt-4o')?.input).toBe(2);
  });

  it('has a table of sane rows: every price non-negative, every row with a source and a date', () => {
    for (const row of builtInPrices) {
      expect(row.input).toBeGreaterThanOrEqual(0);
      expect(row.output).toBeGreaterThanOrEqual(0);
      expect(row.source).toMatch(/^https:\/\//);
      expect(row.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
