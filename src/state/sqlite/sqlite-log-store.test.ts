import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeLogStoreConformance, logRecord } from '../log-store-conformance.ts';
import { SqliteLogStore } from './sqlite-log-store.ts';

const directory = mkdtempSync(join(tmpdir(), 'switchboard-log-'));
const opened: SqliteLogStore[] = [];
let files = 0;

function openFile(path = join(directory, `log-${++files}.sqlite`)): SqliteLogStore {
  const store = SqliteLogStore.open(path);
  opened.push(store);
  return store;
}

afterAll(() => {
  for (const store of opened) store.close();
  rmSync(directory, { recursive: true, force: true });
});

describeLogStoreConformance('sqlite', async () => openFile());

describe('SqliteLogStore', () => {
  it('keeps records across a reopen of the file', async () => {
    const path = join(directory, 'persist.sqlite');
    const first = openFile(path);
    await first.append([logRecord({ requestId: 'kept-1' }), logRecord({ requestId: 'kept-2', startedAt: 2 })]);
    first.close();
    const second = openFile(path);
    const page = await second.query({ limit: 10 });
    expect(page.records.map((record) => record.requestId)).toEqual(['kept-1', 'kept-2']);
    await second.append([logRecord({ requestId: 'kept-3' })]);
    expect((await second.query({ limit: 10 })).records).toHaveLength(3);
  });

  it('adds the body columns to a file created before them, keeping its records', async () => {
    const path = join(directory, 'before-bodies.sqlite');
    const { createClient } = await import('@libsql/client');
    const client = createClient({ url: `file:${path}` });
    const old = logRecord({ requestId: 'old' });
    await client.batch(
      [
        `CREATE TABLE switchboard_request_log (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at INTEGER NOT NULL,
          request_id TEXT NOT NULL, key_id TEXT, inbound TEXT NOT NULL, model_asked TEXT NOT NULL, model TEXT NOT NULL,
          provider TEXT, stream INTEGER NOT NULL, status INTEGER NOT NULL, is_error INTEGER NOT NULL,
          latency_ms REAL NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
          cached_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL,
          cache_hit INTEGER NOT NULL, record TEXT NOT NULL)`,
        {
          sql: `INSERT INTO switchboard_request_log (started_at, request_id, inbound, model_asked, model, provider,
            stream, status, is_error, latency_ms, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens,
            cost_usd, cache_hit, record) VALUES (?, 'old', 'openai-chat', 'fast', 'gpt-4o-mini', 'openai', 0, 200, 0,
            100, 10, 5, 0, 0, 0, 0, ?)`,
          args: [old.startedAt, JSON.stringify(old)],
        },
      ],
      'write',
    );
    client.close();
    // Two stores migrating the same file at once (two processes starting together) both succeed.
    const [first, second] = [openFile(path), openFile(path)];
    await Promise.all([first.whenReady(), second.whenReady()]);
    await first.append([logRecord({ requestId: 'new', startedAt: old.startedAt + 1, requestBody: '{"messages":[]}' })]);
    const page = await second.query({ limit: 10, bodies: true });
    expect(page.records).toEqual([
      logRecord({ requestId: 'new', startedAt: old.startedAt + 1, requestBody: '{"messages":[]}' }),
      old,
    ]);
  });

  it('keeps bodies in their own columns, out of the record JSON', async () => {
    const path = join(directory, 'body-columns.sqlite');
    const store = openFile(path);
    await store.append([logRecord({ requestBody: 'REQ-TEXT', completionBody: 'COMPLETION-TEXT' })]);
    const { createClient } = await import('@libsql/client');
    const client = createClient({ url: `file:${path}` });
    const result = await client.execute('SELECT record, request_body, completion_body FROM switchboard_request_log');
    client.close();
    expect(String(result.rows[0]?.record)).not.toContain('TEXT');
    expect(result.rows[0]?.request_body).toBe('REQ-TEXT');
    expect(result.rows[0]?.completion_body).toBe('COMPLETION-TEXT');
  });

  it('has the indexes the admin API filters on', async () => {
    const path = join(directory, 'indexes.sqlite');
    const store = openFile(path);
    await store.append([logRecord()]);
    const { createClient } = await import('@libsql/client');
    const client = createClient({ url: `file:${path}` });
    const result = await client.execute(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'switchboard_request_log'",
    );
    client.close();
    expect(result.rows.map((row) => row.name).sort()).toEqual([
      'switchboard_request_log_key',
      'switchboard_request_log_model',
      'switchboard_request_log_model_asked',
      'switchboard_request_log_provider',
      'switchboard_request_log_time',
    ]);
  });
});
