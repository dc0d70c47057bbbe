import { isErrorRecord, recordModel, recordProvider, recordTokens } from '../../telemetry/record-dimensions.ts';
import type { RequestRecord } from '../../telemetry/request-record.ts';
import {
  type AnalyticsQuery,
  type AnalyticsRow,
  decodeLogCursor,
  encodeLogCursor,
  type LogFilter,
  type LogPage,
  type LogQuery,
  type LogStore,
} from '../log-store.ts';

type Entry = { sequence: number; record: RequestRecord };

/**
 * The request log in process memory, bounded to the newest `maxEntries` records (by arrival): for tests, single
 * processes that do not need history across restarts, and Workers isolates.
 */
export class MemoryLogStore implements LogStore {
  private entries: Entry[] = [];
  private sequence = 0;
  private readonly maxEntries: number;

  constructor(options: { maxEntries?: number } = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  async append(records: readonly RequestRecord[]): Promise<void> {
    for (const record of records) this.entries.push({ sequence: ++this.sequence, record: structuredClone(record) });
    // Trimmed in steps of a quarter, so a full log does not copy itself on every batch.
    if (this.entries.length > this.maxEntries * 1.25) this.entries = this.entries.slice(-this.maxEntries);
  }

  /** The newest `maxEntries` records: the array may hold up to a quarter more between trims. */
  private retained(): Entry[] {
    return this.entries.length > this.maxEntries ? this.entries.slice(-this.maxEntries) : this.entries;
  }

  async query(query: LogQuery): Promise<LogPage> {
    const after = query.cursor === undefined ? undefined : decodeLogCursor(query.cursor);
    if (query.cursor !== undefined && !after) throw new Error('invalid log cursor');
    const matching = this.retained()
      .filter((entry) => matches(entry.record, query))
      .filter(
        (entry) =>
          !after ||
          entry.record.startedAt < after.startedAt ||
          (entry.record.startedAt === after.startedAt && entry.sequence < after.sequence),
      )
      .sort((left, right) => right.record.startedAt - left.record.startedAt || right.sequence - left.sequence);
    const page = matching.slice(0, query.limit);
    const last = page.at(-1);
    return {
      records: page.map((entry) => (query.bodies ? structuredClone(entry.record) : withoutBodies(entry.record))),
      ...(last && matching.length > page.length
        ? { nextCursor: encodeLogCursor(last.record.startedAt, last.sequence) }
        : {}),
    };
  }

  async aggregate(query: AnalyticsQuery): Promise<AnalyticsRow[]> {
    const groups = new Map<string, { row: AnalyticsRow; latencies: number[] }>();
    for (const { record } of this.retained()) {
      if (!matches(record, query)) continue;
      const bucketStart = Math.floor(record.startedAt / query.bucketMs) * query.bucketMs;
      const group = groupOf(record, query.groupBy);
      const id = `${bucketStart}\u0000${group ?? '\u0001'}`;
      let entry = groups.get(id);
      if (!entry) {
        entry = { row: emptyRow(bucketStart, group), latencies: [] };
        groups.set(id, entry);
      }
      const { row } = entry;
      const tokens = recordTokens(record);
      row.requests++;
      if (isErrorRecord(record)) row.errors++;
      if (record.cacheHit) row.cacheHits++;
      row.promptTokens += tokens.prompt;
      row.completionTokens += tokens.completion;
      row.cachedTokens += tokens.cached;
      row.reasoningTokens += tokens.reasoning;
      row.costUsd += record.costUsd ?? 0;
      entry.latencies.push(record.latencyMs);
    }
    const rows = [...groups.values()].map(({ row, latencies }) => {
      latencies.sort((left, right) => left - right);
      row.latencyP50Ms = nearestRank(latencies, 0.5);
      row.latencyP95Ms = nearestRank(latencies, 0.95);
      return row;
    });
    return rows.sort((left, right) => left.bucketStart - right.bucketStart || compareGroups(left.group, right.group));
  }

  async deleteOlderThan(cutoff: number): Promise<number> {
    const before = this.entries.length;
    this.entries = this.entries.filter((entry) => entry.record.startedAt >= cutoff);
    return before - this.entries.length;
  }
}

/** A copy of the record without its bodies. */
function withoutBodies(record: RequestRecord): RequestRecord {
  const { requestBody: _request, completionBody: _completion, ...rest } = record;
  return structuredClone(rest);
}

function matches(record: RequestRecord, filter: LogFilter): boolean {
  if (filter.from !== undefined && record.startedAt < filter.from) return false;
  if (filter.to !== undefined && record.startedAt >= filter.to) return false;
  if (filter.model !== undefined && record.modelAsked !== filter.model && recordModel(record) !== filter.model)
    return false;
  if (filter.provider !== undefined && recordProvider(record) !== filter.provider) return false;
  if (filter.keyId !== undefined && record.keyId !== filter.keyId) return false;
  if (filter.status === 'ok' && isErrorRecord(record)) return false;
  if (filter.status === 'error' && !isErrorRecord(record)) return false;
  if (typeof filter.status === 'number' && record.status !== filter.status) return false;
  return true;
}

function groupOf(record: RequestRecord, groupBy: AnalyticsQuery['groupBy']): string | null {
  if (groupBy === 'model') return recordModel(record);
  if (groupBy === 'provider') return recordProvider(record) ?? null;
  return record.keyId ?? null;
}

function emptyRow(bucketStart: number, group: string | null): AnalyticsRow {
  return {
    bucketStart,
    group,
    requests: 0,
    errors: 0,
    cacheHits: 0,
    latencyP50Ms: 0,
    latencyP95Ms: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
  };
}

/** The value at rank ceil(p × n) of an ascending list (the SQLite store computes the same). */
function nearestRank(sorted: number[], percentile: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(percentile * sorted.length));
  return sorted[rank - 1] as number;
}

function compareGroups(left: string | null, right: string | null): number {
  if (left === right) return 0;
  if (left === null) return -1;
  if (right === null) return 1;
  return left < right ? -1 : 1;
}
