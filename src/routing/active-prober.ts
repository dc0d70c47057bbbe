import type { Logger } from '../app-deps.ts';
import type { Candidate, ModelCatalog } from '../catalog/model-catalog.ts';
import type { AdapterContext } from '../providers/provider-adapter.ts';
import type { ProviderHealth } from './provider-health.ts';

export type ProbeOptions = {
  /** Shortest time between two probe rounds. */
  intervalMs: number;
  /** Per-probe timeout. */
  timeoutMs: number;
};

type ProbeDeps = {
  catalog: ModelCatalog;
  health: ProviderHealth;
  fetch: typeof fetch;
  now: () => number;
  generateId: (prefix: string) => string;
  logger: Logger;
};

/**
 * Active health probes (opt-in, `routing.probes`): for each provider whose circuit is open or half-open, one cheap
 * request of the kind its model serves — a one-token chat for a chat model, a one-word embedding for an embedding
 * model — so a provider that recovered is closed again without waiting for real traffic to risk it. A probe that
 * fails as the client's mistake (400, 404: e.g. a model that no longer exists) counts for nothing, so a provider is
 * never disabled by a probe of the wrong kind. Rounds run at most every `intervalMs`, off the request path.
 */
export class ActiveProber {
  private readonly deps: ProbeDeps;
  private readonly options: ProbeOptions;
  private lastRound = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | undefined;

  constructor(deps: ProbeDeps, options: ProbeOptions) {
    this.deps = deps;
    this.options = options;
  }

  /** Starts a round when one is due; returns its work (for `waitUntil`), or undefined. Cheap on every request. */
  runIfDue(): Promise<void> | undefined {
    const now = this.deps.now();
    if (this.running || now - this.lastRound < this.options.intervalMs) return undefined;
    this.lastRound = now;
    this.running = this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** One round: probes every provider whose circuit is not closed. */
  async round(): Promise<void> {
    const unhealthy = this.deps.health
      .report()
      .filter((report) => report.state !== 'closed')
      .map((report) => ({ provider: report.provider, model: report.model }))
      // A failing model names what to probe; the provider-wide entry only says that something failed.
      .sort((left, right) => Number(left.model === undefined) - Number(right.model === undefined));
    const chosen = new Map<string, Candidate>();
    for (const { provider, model } of unhealthy) {
      if (chosen.has(provider)) continue;
      const candidate = this.pickCandidate(provider, model);
      if (candidate) chosen.set(provider, candidate);
    }
    await Promise.all([...chosen.values()].map((candidate) => this.probe(candidate)));
  }

  private pickCandidate(providerId: string, model: string | undefined): Candidate | undefined {
    const ids = model ? [`${providerId}/${model}`] : [];
    for (const entry of this.deps.catalog.models()) {
      if (entry.providerId === providerId && entry.id.startsWith(`${providerId}/`)) ids.push(entry.id);
    }
    for (const id of ids) {
      const candidate = this.deps.catalog.resolve(id)[0];
      if (candidate) return candidate;
    }
    return undefined;
  }

  private async probe(candidate: Candidate): Promise<void> {
    const target = { providerId: candidate.provider.id, model: candidate.upstreamModel };
    const context: AdapterContext = {
      fetch: this.deps.fetch,
      signal: AbortSignal.timeout(this.options.timeoutMs),
      now: this.deps.now,
      generateId: this.deps.generateId,
    };
    const startedAt = performance.now();
    try {
      if (candidate.kind === 'embedding' && candidate.adapter.embeddings) {
        await candidate.adapter.embeddings(
          candidate.provider,
          { model: candidate.upstreamModel, input: 'ping' },
          context,
        );
      } else {
        await candidate.adapter.chatCompletion(
          candidate.provider,
          { model: candidate.upstreamModel, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 },
          context,
        );
      }
      this.deps.health.recordSuccess(target, performance.now() - startedAt);
      this.deps.logger.info('probe_succeeded', { provider: target.providerId, model: target.model });
    } catch (error) {
      this.deps.health.recordFailure(target, error);
      this.deps.logger.warn('probe_failed', {
        provider: target.providerId,
        model: target.model,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
