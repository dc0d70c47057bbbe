import Database from 'libsql';
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

const schema = [
  `CREATE TABLE IF NOT EXISTS switchboard_request_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at INTEGER NOT NULL,
    request_id TEXT NOT NULL,
    key_id TEXT,
    inbound TEXT NOT NULL,
    model_asked TEXT NOT NULL,
    model TEXT NOT NULL,
    provider TEXT,
    stream INTEGER NOT NULL,
    status INTEGER NOT NULL,
    is_error INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL,
    cache_hit INTEGER NOT NULL,
    record TEXT NOT NULL,
    request_body TEXT,
    completion_body TEXT
  )`,
  'CREATE INDEX IF NOT EXISTS switchboard_request_log_time ON switchboard_request_log (started_at, id)',
  'CREATE INDEX IF NOT EXISTS switchboard_request_log_model ON switchboard_request_log (model, started_at)',
  'CREATE INDEX IF NOT EXISTS switchboard_request_log_model_asked ON switchboard_request_log (model_asked, started_at)',
  'CREATE INDEX IF NOT EXISTS switchboard_request_log_provider ON switchboard_request_log (provider, started_at)',
  'CREATE INDEX IF NOT EXISTS switchboard_request_log_key ON switchboard_request_log (key_id, started_at)',
];

/** Columns added after the first release: a file created before them gets them by `ALTER TABLE` when opened. */
const addedColumns = [
  { name: 'request_body', sql: 'ALTER TABLE switchboard_request_log ADD COLUMN request_body TEXT' },
  { name: 'completion_body', sql: 'ALTER TABLE switchboard_request_log ADD COLUMN completion_body TEXT' },
];

const INSERT = `INSERT INTO switchboard_request_log (started_at, request_id, key_id, inbound, model_asked, model,
  provider, stream, status, is_error, latency_ms, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens,
  cost_usd, cache_hit, record, request_body, completion_body) VALUES (${Array.from({ length: 20 }, () => '?').join(', ')})`;

type Value = string | number | null;
type Row = Record<string, Value>;

function rowValues(whole: RequestRecord): Value[] {
  const { requestBody, completionBody, ...record } = whole;
  const tokens = recordTokens(record);
  return [
    Math.round(record.startedAt),
    record.requestId,
    record.keyId ?? null,
    record.inbound,
    record.modelAsked,
    recordModel(record),
    recordProvider(record) ?? null,
    record.stream ? 1 : 0,
    record.status,
    isErrorRecord(record) ? 1 : 0,
    record.latencyMs,
    tokens.prompt,
    tokens.completion,
    tokens.cached,
    tokens.reasoning,
    record.costUsd ?? 0,
    record.cacheHit ? 1 : 0,
    JSON.stringify(record),
    requestBody ?? null,
    completionBody ?? null,
  ];
}

/**
 * The request log in a SQLite file through libSQL: one row per request with the columns filters and aggregates
 * need (indexed by time, model, provider and key) plus the whole record as JSON, returned as it was written. The
 * request and completion bodies (`telemetry.log.bodies`) have their own nullable columns, read only when a query asks.
 * Percentiles are computed in SQL with window functions, so an aggregate never loads the rows into memory.
 *
 * The calls are synchronous underneath (libSQL's `better-sqlite3` API): on Node the store lives on the request log's
 * own thread (`log-store-worker.ts`), which has nothing else to do. A batch is one transaction of one prepared
 * single-row INSERT, prepared once: against a multi-row INSERT written out and prepared for every batch, the worker
 * spends about a third less CPU per record.
 */
export class SqliteLogStore implements LogStore {
  private readonly db: Database.Database;
  private readonly ready: Promise<void>;
  private readonly insert: ((records: readonly RequestRecord[]) => void) | undefined;

  /** `path`: a file (created if missing), or `:memory:` for tests. */
  static open(path: string): SqliteLogStore {
    // Busy timeout: the admin API's reads and other processes on the file wait for a write instead of failing.
    return new SqliteLogStore(new Database(path, { timeout: 5_000 }));
  }

  constructor(db: Database.Database) {
    this.db = db;
    try {
      migrate(db);
      const statement = db.prepare(INSERT);
      this.insert = db.transaction((records: readonly RequestRecord[]) => {
        for (const record of records) statement.run(rowValues(record));
      });
      this.ready = Promise.resolve();
    } catch (error) {
      // A file that cannot be migrated surfaces on the first call (and in `whenReady`), never as a throw here.
      this.ready = Promise.reject(error);
      this.ready.catch(() => undefined);
    }
  }

  /** Resolves once the file is open and its table is ready; rejects when it cannot be opened or migrated. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  async append(records: readonly RequestRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.ready;
    this.insert?.(records);
  }

  async query(query: LogQuery): Promise<LogPage> {
    await this.ready;
    const { where, args } = whereClause(query);
    if (query.cursor !== undefined) {
      const after = decodeLogCursor(query.cursor);
      if (!after) throw new Error('invalid log cursor');
      where.push('(started_at < ? OR (started_at = ? AND id < ?))');
      args.push(after.startedAt, after.startedAt, after.sequence);
    }
    const found = this.db
      .prepare(
        `SELECT id, started_at, record${query.bodies ? ', request_body, completion_body' : ''} FROM switchboard_request_log ${toWhere(where)} ORDER BY started_at DESC, id DESC LIMIT ?`,
      )
      .all([...args, query.limit + 1]) as Row[];
    const rows = found.slice(0, query.limit);
    const last = rows.at(-1);
    return {
      records: rows.map((row) => {
        const record = JSON.parse(String(row.record)) as RequestRecord;
        if (typeof row.request_body === 'string') record.requestBody = row.request_body;
        if (typeof row.completion_body === 'string') record.completionBody = row.completion_body;
        return record;
      }),
      ...(last && found.length > query.limit
        ? { nextCursor: encodeLogCursor(Number(last.started_at), Number(last.id)) }
        : {}),
    };
  }

  async aggregate(query: AnalyticsQuery): Promise<AnalyticsRow[]> {
    await this.ready;
    const { where, args } = whereClause(query);
    const group = { model: 'model', provider: 'provider', key: 'key_id' }[query.groupBy];
    const bucketMs = Math.max(1, Math.floor(query.bucketMs));
    const rows = this.db
      .prepare(
        `WITH selected AS (
          SELECT (started_at / ${bucketMs}) * ${bucketMs} AS bucket, ${group} AS grp, latency_ms, is_error, cache_hit,
            prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd
          FROM switchboard_request_log ${toWhere(where)}
        ), ranked AS (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY bucket, grp ORDER BY latency_ms) AS position,
            COUNT(*) OVER (PARTITION BY bucket, grp) AS total
          FROM selected
        )
        SELECT bucket, grp, COUNT(*) AS requests, SUM(is_error) AS errors, SUM(cache_hit) AS cache_hits,
          MIN(CASE WHEN position >= 0.5 * total THEN latency_ms END) AS p50,
          MIN(CASE WHEN position >= 0.95 * total THEN latency_ms END) AS p95,
          SUM(prompt_tokens) AS prompt_tokens, SUM(completion_tokens) AS completion_tokens,
          SUM(cached_tokens) AS cached_tokens, SUM(reasoning_tokens) AS reasoning_tokens, SUM(cost_usd) AS cost_usd
        FROM ranked GROUP BY bucket, grp ORDER BY bucket, grp`,
      )
      .all(args) as Row[];
    return rows.map((row) => ({
      bucketStart: Number(row.bucket),
      group: row.grp === null ? null : String(row.grp),
      requests: Number(row.requests),
      errors: Number(row.errors),
      cacheHits: Number(row.cache_hits),
      latencyP50Ms: Number(row.p50 ?? 0),
      latencyP95Ms: Number(row.p95 ?? 0),
      promptTokens: Number(row.prompt_tokens),
      completionTokens: Number(row.completion_tokens),
      cachedTokens: Number(row.cached_tokens),
      reasoningTokens: Number(row.reasoning_tokens),
      costUsd: Number(row.cost_usd),
    }));
  }

  async deleteOlderThan(cutoff: number): Promise<number> {
    await this.ready;
    return this.db.prepare('DELETE FROM switchboard_request_log WHERE started_at < ?').run([cutoff]).changes;
  }

  close(): void {
    this.db.close();
  }
}

/** Creates the table and its indexes, and adds the columns a file from an older release lacks. */
function migrate(db: Database.Database): void {
  // WAL lets readers (the admin API) run while the writer appends. NORMAL: commits are not synced to disk one by
  // one (the WAL is at checkpoints); a power cut can lose the last batches of a log, never corrupt it.
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
  } catch {
    // A database that keeps its own journal mode (`:memory:`) still works.
  }
  for (const statement of schema) db.exec(statement);
  const columns = db.prepare('PRAGMA table_info(switchboard_request_log)').all() as Row[];
  const present = new Set(columns.map((row) => String(row.name)));
  for (const column of addedColumns) {
    if (present.has(column.name)) continue;
    try {
      db.exec(column.sql);
    } catch (error) {
      // Another process on the same file may add it first.
      if (!/duplicate column/i.test(String(error))) throw error;
    }
  }
}

function whereClause(filter: LogFilter): { where: string[]; args: Array<string | number> } {
  const where: string[] = [];
  const args: Array<string | number> = [];
  if (filter.from !== undefined) {
    where.push('started_at >= ?');
    args.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push('started_at < ?');
    args.push(filter.to);
  }
  if (filter.model !== undefined) {
    where.push('(model_asked = ? OR model = ?)');
    args.push(filter.model, filter.model);
  }
  if (filter.provider !== undefined) {
    where.push('provider = ?');
    args.push(filter.provider);
  }
  if (filter.keyId !== undefined) {
    where.push('key_id = ?');
    args.push(filter.keyId);
  }
  if (filter.status === 'ok') where.push('is_error = 0');
  else if (filter.status === 'error') where.push('is_error = 1');
  else if (typeof filter.status === 'number') {
    where.push('status = ?');
    args.push(filter.status);
  }
  return { where, args };
}

function toWhere(where: string[]): string {
  return where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
}
