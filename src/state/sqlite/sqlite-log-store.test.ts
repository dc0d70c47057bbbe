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
  const store = SqliteLogStore.open(`file:${path}`);
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
