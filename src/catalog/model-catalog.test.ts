import { describe, expect, it } from 'vitest';
import type {
  AdapterContext,
  DiscoveredModel,
  ProviderAdapter,
  ProviderDefinition,
} from '../providers/provider-adapter.ts';
import { ModelCatalog, type ModelCatalogOptions } from './model-catalog.ts';

type Lister = (context: AdapterContext) => Promise<DiscoveredModel[]> | DiscoveredModel[];

function provider(id: string, overrides: Partial<ProviderDefinition> = {}): ProviderDefinition {
  return {
    id,
    type: 'openai',
    baseUrl: `http://127.0.0.1/${id}`,
    models: [],
    aliases: {},
    discover: true,
    source: 'config',
    ...overrides,
  };
}

const models = (...ids: string[]): DiscoveredModel[] => ids.map((id) => ({ id }));

/** A fake OpenAI-format adapter whose model list is answered per provider id; counts calls. */
function fakeAdapter(listers: Record<string, Lister>) {
  const calls: string[] = [];
  const adapter: ProviderAdapter = {
    format: 'openai',
    async listModels(definition, context) {
      calls.push(definition.id);
      const lister = listers[definition.id];
      if (!lister) throw new Error(`no lister for ${definition.id}`);
      return lister(context);
    },
    chatCompletion() {
      throw new Error('not used');
    },
  };
  return { adapter, calls, listers };
}

function createCatalog(
  providers: ProviderDefinition[],
  adapter: ProviderAdapter,
  clock: { now: number },
  options: Partial<ModelCatalogOptions> = {},
): ModelCatalog {
  return new ModelCatalog({
    providers,
    adapters: { openai: adapter, anthropic: undefined, gemini: undefined },
    fetch: (() => Promise.reject(new Error('no network'))) as typeof fetch,
    now: () => clock.now,
    generateId: (prefix) => `${prefix}1`,
    ttlMs: 60_000,
    discoveryTimeoutMs: 1_000,
    ...options,
  });
}

/** Waits until the signal aborts, like a well-behaved adapter whose upstream never answers. */
const untilAborted = (context: AdapterContext) =>
  new Promise<never>((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason)));

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  return { promise, resolve, reject };
}

describe('ModelCatalog discovery', () => {
  it('asks every provider in parallel; a slow one times out without holding the others', async () => {
    const fast = deferred<DiscoveredModel[]>();
    const { adapter, calls } = fakeAdapter({ slow: untilAborted, fast: () => fast.promise, broken: () => [] });
    const catalog = createCatalog(
      [provider('slow'), provider('fast')],
      adapter,
      { now: 0 },
      {
        discoveryTimeoutMs: 80,
      },
    );
    const loading = catalog.load();
    // Both asked before either answered.
    expect(calls).toEqual(['slow', 'fast']);
    fast.resolve(models('m-fast'));
    const startedAt = performance.now();
    await loading;
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(catalog.isLoaded).toBe(true);
    expect(catalog.resolve('m-fast').map((candidate) => candidate.provider.id)).toEqual(['fast']);
    expect(catalog.providerStatuses()).toMatchObject([
      { id: 'slow', state: 'failed', modelCount: 0, error: 'model list timed out after 80 ms' },
      { id: 'fast', state: 'ok', modelCount: 1 },
    ]);
  });

  it('enforces the timeout even when an adapter ignores its signal', async () => {
    const { adapter } = fakeAdapter({ hung: () => new Promise<never>(() => undefined), fine: () => models('a') });
    const catalog = createCatalog(
      [provider('hung'), provider('fine')],
      adapter,
      { now: 0 },
      {
        discoveryTimeoutMs: 50,
      },
    );
    const startedAt = performance.now();
    await catalog.load();
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(catalog.providerStatuses().map((status) => [status.id, status.state, status.error])).toEqual([
      ['hung', 'failed', 'model list timed out after 50 ms'],
      ['fine', 'ok', undefined],
    ]);
  }, 3_000);

  it('reports a failing provider with its error and keeps the others', async () => {
    const { adapter } = fakeAdapter({
      down: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
      up: () => models('m-1', 'm-2'),
    });
    const catalog = createCatalog([provider('down'), provider('up')], adapter, { now: 0 });
    await catalog.load();
    expect(catalog.providerStatuses()).toMatchObject([
      { id: 'down', state: 'failed', error: 'connect ECONNREFUSED 127.0.0.1:1' },
      { id: 'up', state: 'ok', modelCount: 2, refreshedAt: 0 },
    ]);
    expect(catalog.models().map((model) => model.id)).toEqual(['m-1', 'm-2', 'up/m-1', 'up/m-2']);
  });

  it('load() is shared by concurrent callers', async () => {
    const { adapter, calls } = fakeAdapter({ a: () => models('x') });
    const catalog = createCatalog([provider('a')], adapter, { now: 0 });
    await Promise.all([catalog.load(), catalog.load(), catalog.load()]);
    expect(calls).toEqual(['a']);
  });

  it('a format without an adapter is reported and never retried', async () => {
    const { adapter } = fakeAdapter({});
    const catalog = createCatalog([provider('claude', { type: 'anthropic', models: ['c-1'] })], adapter, {
      now: 0,
    });
    await catalog.load();
    expect(catalog.providerStatuses()[0]).toMatchObject({
      state: 'failed',
      error: "the 'anthropic' format is not available",
    });
    expect(catalog.resolve('c-1')).toEqual([]);
    expect(catalog.refreshInBackground()).toBeUndefined();
  });

  it('discover: false serves the static models without asking', async () => {
    const { adapter, calls } = fakeAdapter({});
    const catalog = createCatalog([provider('fixed', { discover: false, models: ['only-this'] })], adapter, {
      now: 5,
    });
    await catalog.load();
    expect(calls).toEqual([]);
    expect(catalog.providerStatuses()[0]).toMatchObject({ state: 'ok', modelCount: 1, refreshedAt: 5 });
    expect(catalog.resolve('only-this')).toHaveLength(1);
  });

  it('a local server that does not answer is absent: not listed, not routable by prefix', async () => {
    const { adapter } = fakeAdapter({ ollama: () => Promise.reject(new Error('ECONNREFUSED')) });
    const catalog = createCatalog([provider('ollama', { source: 'local' })], adapter, { now: 0 });
    await catalog.load();
    expect(catalog.providerStatuses()[0]).toMatchObject({ state: 'absent' });
    expect(catalog.resolve('ollama/llama3')).toEqual([]);
    expect(catalog.models()).toEqual([]);
  });

  it('local servers get the short probe timeout', async () => {
    const { adapter } = fakeAdapter({ lmstudio: untilAborted });
    const catalog = createCatalog(
      [provider('lmstudio', { source: 'local' })],
      adapter,
      { now: 0 },
      {
        discoveryTimeoutMs: 10_000,
        localProbeTimeoutMs: 30,
      },
    );
    const startedAt = performance.now();
    await catalog.load();
    expect(performance.now() - startedAt).toBeLessThan(1_000);
    expect(catalog.providerStatuses()[0]).toMatchObject({
      state: 'absent',
      error: 'model list timed out after 30 ms',
    });
  });
});

describe('ModelCatalog background refresh', () => {
  it('retries a failed provider in the background with growing backoff', async () => {
    const clock = { now: 1_000 };
    let failing = true;
    const { adapter, calls } = fakeAdapter({
      flaky: () => (failing ? Promise.reject(new Error('503 from upstream')) : models('back')),
    });
    const catalog = createCatalog([provider('flaky')], adapter, clock);
    await catalog.load();
    expect(catalog.providerStatuses()[0]?.state).toBe('failed');

    clock.now += 1_999;
    expect(catalog.refreshInBackground()).toBeUndefined();
    clock.now += 1;
    await catalog.refreshInBackground();
    expect(calls).toHaveLength(2);

    // Second failure: the next try waits twice as long.
    clock.now += 3_999;
    expect(catalog.refreshInBackground()).toBeUndefined();
    clock.now += 1;
    failing = false;
    await catalog.refreshInBackground();
    expect(calls).toHaveLength(3);
    expect(catalog.providerStatuses()[0]).toMatchObject({ state: 'ok', modelCount: 1 });
    expect(catalog.providerStatuses()[0]?.error).toBeUndefined();
    expect(catalog.resolve('back')).toHaveLength(1);
  });

  it('refreshes a stale list without blocking resolve, and one refresh at a time', async () => {
    const clock = { now: 0 };
    const next = deferred<DiscoveredModel[]>();
    let round = 0;
    const { adapter, calls } = fakeAdapter({ p: () => (round++ === 0 ? models('old') : next.promise) });
    const catalog = createCatalog([provider('p')], adapter, clock, { ttlMs: 10_000 });
    expect(catalog.refreshInBackground()).toBeUndefined(); // not loaded yet
    await catalog.load();

    clock.now = 9_999;
    expect(catalog.refreshInBackground()).toBeUndefined(); // still fresh
    clock.now = 10_000;
    const refresh = catalog.refreshInBackground();
    expect(refresh).toBeInstanceOf(Promise);
    expect(catalog.refreshInBackground()).toBeUndefined(); // one at a time
    // While the refresh runs, the old list answers at once.
    expect(catalog.resolve('old')).toHaveLength(1);
    expect(catalog.resolve('new')).toEqual([]);

    next.resolve(models('new'));
    await refresh;
    expect(calls).toEqual(['p', 'p']);
    expect(catalog.resolve('new')).toHaveLength(1);
    expect(catalog.resolve('old')).toEqual([]);
    expect(catalog.providerStatuses()[0]?.refreshedAt).toBe(10_000);
  });

  it('keeps serving the last good list when a refresh fails', async () => {
    const clock = { now: 0 };
    let fail = false;
    const { adapter } = fakeAdapter({ p: () => (fail ? Promise.reject(new Error('boom')) : models('kept')) });
    const catalog = createCatalog([provider('p')], adapter, clock, { ttlMs: 1_000 });
    await catalog.load();
    fail = true;
    clock.now = 1_000;
    await catalog.refreshInBackground();
    expect(catalog.providerStatuses()[0]).toMatchObject({ state: 'ok', error: 'boom', modelCount: 1 });
    expect(catalog.resolve('kept')).toHaveLength(1);
  });
});

describe('ModelCatalog resolve', () => {
  async function loaded() {
    const { adapter } = fakeAdapter({
      first: () => models('shared', 'only-first', 'meta-llama/Llama-3.3-70B'),
      second: () => [{ id: 'shared' }, { id: 'embed-1', kind: 'embedding', created: 1_700_000_000 }],
    });
    const catalog = createCatalog(
      [
        provider('first', { aliases: { fast: 'only-first' } }),
        provider('second', { models: ['static-second'], aliases: { fast: 'shared' } }),
      ],
      adapter,
      { now: 0 },
    );
    await catalog.load();
    return catalog;
  }

  const route = (catalog: ModelCatalog, model: string) =>
    catalog.resolve(model).map((candidate) => `${candidate.provider.id}:${candidate.upstreamModel}`);

  it('a model on several providers has candidates in config (priority) order', async () => {
    expect(route(await loaded(), 'shared')).toEqual(['first:shared', 'second:shared']);
  });

  it('provider/model picks that provider only', async () => {
    const catalog = await loaded();
    expect(route(catalog, 'second/shared')).toEqual(['second:shared']);
    expect(route(catalog, 'first/meta-llama/Llama-3.3-70B')).toEqual(['first:meta-llama/Llama-3.3-70B']);
    expect(route(catalog, 'meta-llama/Llama-3.3-70B')).toEqual(['first:meta-llama/Llama-3.3-70B']);
  });

  it('provider/model routes to the provider even for a model its list did not name', async () => {
    const catalog = await loaded();
    expect(route(catalog, 'second/brand-new-model')).toEqual(['second:brand-new-model']);
    expect(route(catalog, 'nobody/brand-new-model')).toEqual([]);
  });

  it('aliases map to the upstream id, per provider, and also take the prefix', async () => {
    const catalog = await loaded();
    expect(route(catalog, 'fast')).toEqual(['first:only-first', 'second:shared']);
    expect(route(catalog, 'second/fast')).toEqual(['second:shared']);
  });

  it('static models join the discovered ones', async () => {
    expect(route(await loaded(), 'static-second')).toEqual(['second:static-second']);
  });

  it('lists bare ids once, then every provider/model, with kinds and dates', async () => {
    const listing = (await loaded()).models();
    expect(listing.map((model) => model.id)).toEqual([
      'shared',
      'only-first',
      'meta-llama/Llama-3.3-70B',
      'fast',
      'static-second',
      'embed-1',
      'first/shared',
      'first/only-first',
      'first/meta-llama/Llama-3.3-70B',
      'first/fast',
      'second/static-second',
      'second/shared',
      'second/embed-1',
      'second/fast',
    ]);
    expect(listing.find((model) => model.id === 'embed-1')).toEqual({
      id: 'embed-1',
      providerId: 'second',
      upstreamModel: 'embed-1',
      kind: 'embedding',
      created: 1_700_000_000,
    });
  });

  it('suggests the closest known ids for an unknown one', async () => {
    const catalog = await loaded();
    expect(catalog.suggest('only-frist')[0]).toBe('only-first');
    expect(catalog.suggest('shared-v2')).toContain('shared');
    expect(catalog.suggest('zzzzzzzzzzzzzzzzzzzzzzzz')).toEqual([]);
  });
});
