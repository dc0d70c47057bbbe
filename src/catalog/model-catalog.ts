import { looksLikeEmbeddingModel } from '../providers/looks-like-embedding-model.ts';
import type {
  AdapterContext,
  DiscoveredModel,
  ProviderAdapter,
  ProviderDefinition,
  ProviderFormat,
} from '../providers/provider-adapter.ts';
import { closestModelIds } from './closest-model-ids.ts';

/**
 * One upstream that can serve a requested model. `kind` says which endpoint it serves (chat completions or
 * embeddings); absent for a `provider/model` route to a model the provider's list did not name, which either may use.
 */
export type Candidate = {
  provider: ProviderDefinition;
  adapter: ProviderAdapter;
  upstreamModel: string;
  kind?: 'chat' | 'embedding';
};

export type CatalogModel = {
  /** The id clients send: a bare model id, or `provider/model`. */
  id: string;
  providerId: string;
  upstreamModel: string;
  kind: 'chat' | 'embedding';
  created?: number;
  /** USD per million tokens, when the provider's model list carries prices. */
  pricing?: { input: number; output: number; cachedInput?: number };
  /** The context window, when the provider's model list says. */
  contextLength?: number;
};

export type ProviderStatus = {
  id: string;
  type: ProviderFormat;
  source: ProviderDefinition['source'];
  baseUrl: string;
  /** `absent`: a local server that did not answer its probe. */
  state: 'pending' | 'ok' | 'failed' | 'absent';
  modelCount: number;
  error?: string;
  refreshedAt?: number;
};

export type ModelCatalogOptions = {
  providers: ProviderDefinition[];
  adapters: Record<ProviderFormat, ProviderAdapter | undefined>;
  fetch: typeof fetch;
  now: () => number;
  generateId: (prefix: string) => string;
  /** How long a provider's list stays fresh before a background refresh. */
  ttlMs: number;
  /** Per-provider timeout for one model list. */
  discoveryTimeoutMs: number;
  /** Shorter timeout for local servers that may not be running. */
  localProbeTimeoutMs?: number;
};

type ProviderState = {
  provider: ProviderDefinition;
  adapter: ProviderAdapter | undefined;
  discovered: DiscoveredModel[];
  state: ProviderStatus['state'];
  error?: string;
  refreshedAt?: number;
  failures: number;
  nextAttemptAt: number;
};

/** Longest wait between retries of a provider whose discovery failed. */
const MAX_RETRY_DELAY_MS = 5 * 60_000;

/**
 * The model → candidates index. Every provider is asked for its models in parallel, each with its own timeout; a
 * failure never blocks the others, is reported in `providerStatuses()`, and is retried with backoff. Lists are
 * refreshed stale-while-revalidate through `refreshInBackground()`, never on the request path; `resolve()` is a map
 * look-up.
 */
export class ModelCatalog {
  private readonly options: ModelCatalogOptions;
  private readonly states: ProviderState[];
  private index = new Map<string, Candidate[]>();
  private listing: CatalogModel[] = [];
  private loading: Promise<void> | undefined;
  private loadingStartedAt = 0;
  private refreshing: Promise<void> | undefined;
  private refreshingStartedAt = 0;
  private loaded = false;

  constructor(options: ModelCatalogOptions) {
    this.options = options;
    this.states = options.providers.map((provider) => ({
      provider,
      adapter: options.adapters[provider.type],
      discovered: [],
      state: 'pending',
      failures: 0,
      nextAttemptAt: 0,
    }));
    this.rebuildIndex();
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** The first discovery of every provider; later calls return the same promise. */
  load(): Promise<void> {
    // On Workers a discovery started by a request that was cancelled can stay pending forever (its fetches and timers
    // die with it): once it has run past any timeout it could honour, start afresh instead of waiting on it.
    if (this.loading && !this.loaded && this.isStale(this.loadingStartedAt)) this.loading = undefined;
    if (!this.loading) {
      this.loadingStartedAt = this.options.now();
      this.loading = this.discover(this.states).then(() => {
        this.loaded = true;
      });
    }
    return this.loading;
  }

  /** Longest a discovery can honestly take: every provider in parallel, each bounded by its timeout. */
  get maxDiscoveryMs(): number {
    return this.options.discoveryTimeoutMs + 2_000;
  }

  private isStale(startedAt: number): boolean {
    return this.options.now() - startedAt > this.maxDiscoveryMs;
  }

  /**
   * Starts a refresh of the providers whose list is stale or whose retry is due, unless one is running. Returns the
   * work (for `waitUntil`), or undefined when nothing is due. Cheap enough to call on every request.
   */
  refreshInBackground(): Promise<void> | undefined {
    if (this.refreshing && this.isStale(this.refreshingStartedAt)) this.refreshing = undefined;
    if (!this.loaded || this.refreshing) return undefined;
    const now = this.options.now();
    const due = this.states.filter((state) => state.nextAttemptAt <= now && state.provider.discover);
    if (due.length === 0) return undefined;
    this.refreshingStartedAt = now;
    this.refreshing = this.discover(due).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Candidates for a model id in priority (config) order; empty when unknown. */
  resolve(model: string): Candidate[] {
    const found = this.index.get(model);
    if (found) return found;
    // An explicit `provider/model` routes to that provider even when its list did not name the model.
    const slash = model.indexOf('/');
    if (slash > 0) {
      const state = this.states.find((candidate) => candidate.provider.id === model.slice(0, slash));
      if (state?.adapter && state.state !== 'absent') {
        return [{ provider: state.provider, adapter: state.adapter, upstreamModel: model.slice(slash + 1) }];
      }
    }
    return [];
  }

  /** Known ids closest to an unknown one. */
  suggest(model: string): string[] {
    return closestModelIds(model, this.index.keys());
  }

  /** Every id clients can send, bare ids first, each `provider/model` after. */
  models(): CatalogModel[] {
    return this.listing;
  }

  providerStatuses(): ProviderStatus[] {
    return this.states.map((state) => {
      const status: ProviderStatus = {
        id: state.provider.id,
        type: state.provider.type,
        source: state.provider.source,
        baseUrl: state.provider.baseUrl,
        state: state.state,
        modelCount: this.modelIdsOf(state).length,
      };
      if (state.error) status.error = state.error;
      if (state.refreshedAt !== undefined) status.refreshedAt = state.refreshedAt;
      return status;
    });
  }

  private async discover(states: ProviderState[]): Promise<void> {
    await Promise.all(states.map((state) => this.discoverOne(state)));
    this.rebuildIndex();
  }

  private async discoverOne(state: ProviderState): Promise<void> {
    const { provider, adapter } = state;
    const now = this.options.now();
    if (!adapter) {
      state.state = 'failed';
      state.error = `the '${provider.type}' format is not available`;
      state.nextAttemptAt = Number.POSITIVE_INFINITY;
      return;
    }
    if (!provider.discover) {
      state.state = 'ok';
      state.refreshedAt = now;
      state.nextAttemptAt = Number.POSITIVE_INFINITY;
      return;
    }
    const timeoutMs =
      provider.source === 'local' ? (this.options.localProbeTimeoutMs ?? 1_000) : this.options.discoveryTimeoutMs;
    const signal = AbortSignal.timeout(timeoutMs);
    const context: AdapterContext = {
      fetch: this.options.fetch,
      signal,
      now: this.options.now,
      generateId: this.options.generateId,
    };
    try {
      state.discovered = await settleByDeadline(adapter.listModels(provider, context), signal);
      state.state = 'ok';
      state.error = undefined;
      state.failures = 0;
      state.refreshedAt = this.options.now();
      state.nextAttemptAt = state.refreshedAt + this.options.ttlMs;
    } catch (error) {
      state.failures++;
      const message = signal.aborted
        ? `model list timed out after ${timeoutMs} ms`
        : error instanceof Error
          ? error.message
          : String(error);
      if (provider.source === 'local' && state.state !== 'ok') {
        // A local server that is not running is simply not there; look again after the TTL.
        state.state = 'absent';
        state.error = message;
        state.nextAttemptAt = this.options.now() + this.options.ttlMs;
        return;
      }
      // Keep serving the last good list, if any; retry with exponential backoff.
      state.state = state.discovered.length > 0 ? 'ok' : 'failed';
      state.error = message;
      state.nextAttemptAt = this.options.now() + Math.min(MAX_RETRY_DELAY_MS, 2_000 * 2 ** (state.failures - 1));
    }
  }

  private modelIdsOf(state: ProviderState): string[] {
    const ids = new Set(state.provider.models);
    for (const model of state.discovered) ids.add(model.id);
    return [...ids];
  }

  private rebuildIndex(): void {
    const index = new Map<string, Candidate[]>();
    const bare: CatalogModel[] = [];
    const prefixed: CatalogModel[] = [];
    const add = (key: string, candidate: Candidate) => {
      const list = index.get(key);
      if (list) list.push(candidate);
      else index.set(key, [candidate]);
    };
    for (const state of this.states) {
      if (!state.adapter || state.state === 'absent') continue;
      const kinds = new Map(state.discovered.map((model) => [model.id, model]));
      const entries: Array<[string, string]> = this.modelIdsOf(state).map((id) => [id, id]);
      entries.push(...Object.entries(state.provider.aliases));
      for (const [id, upstreamModel] of entries) {
        const discovered = kinds.get(upstreamModel);
        // What discovery said; else models configured by hand chat unless their name says they embed.
        const kind = discovered
          ? (discovered.kind ?? 'chat')
          : looksLikeEmbeddingModel(upstreamModel)
            ? 'embedding'
            : 'chat';
        const candidate: Candidate = { provider: state.provider, adapter: state.adapter, upstreamModel, kind };
        const model = {
          providerId: state.provider.id,
          upstreamModel,
          kind,
          ...(discovered?.created === undefined ? {} : { created: discovered.created }),
          ...(discovered?.contextLength === undefined ? {} : { contextLength: discovered.contextLength }),
          ...(discovered?.pricing === undefined ? {} : { pricing: discovered.pricing }),
        } satisfies Omit<CatalogModel, 'id'>;
        if (!index.has(id)) bare.push({ id, ...model });
        add(id, candidate);
        const qualified = `${state.provider.id}/${id}`;
        if (!index.has(qualified)) prefixed.push({ id: qualified, ...model });
        add(qualified, candidate);
      }
    }
    this.index = index;
    this.listing = [...bare, ...prefixed];
  }
}

/**
 * The adapter's answer, or the abort when the signal fires first. The timeout is enforced here, not only by the
 * adapter's fetch: an adapter that misses the signal somewhere (a body read, a pagination loop) must not hold
 * `load()`, and with it the whole start-up, past the per-provider timeout.
 */
function settleByDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
