import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../app-deps.ts';
import { parseGatewayConfig } from '../../config/parse-gateway-config.ts';
import { describeLogStoreConformance, logRecord } from '../../state/log-store-conformance.ts';
import { MemoryLogStore } from '../../state/memory/memory-log-store.ts';
import { SqliteLogStore } from '../../state/sqlite/sqlite-log-store.ts';
import { NodeLogStore } from './node-log-store.ts';
import { openNodeTelemetry } from './open-node-telemetry.ts';
import { WorkerLogStore } from './worker-log-store.ts';

const directory = mkdtempSync(join(tmpdir(), 'switchboard-node-log-'));
const opened: NodeLogStore[] = [];
let files = 0;

afterAll(async () => {
  for (const store of opened) await store.close();
  rmSync(directory, { recursive: true, force: true });
});

function capture(): { logger: Logger; lines: Array<{ level: string; event: string; fields?: object }> } {
  const lines: Array<{ level: string; event: string; fields?: object }> = [];
  return {
    lines,
    logger: {
      info: (event, fields) => lines.push({ level: 'info', event, fields }),
      warn: (event, fields) => lines.push({ level: 'warn', event, fields }),
      error: (event, fields) => lines.push({ level: 'error', event, fields }),
    },
  };
}

function nodeStore(path: string, logger: Logger = capture().logger): NodeLogStore {
  const store = new NodeLogStore({ path, maxEntries: 100, logger });
  opened.push(store);
  return store;
}

describeLogStoreConformance('node (sqlite file)', async () => nodeStore(join(directory, `c-${++files}.sqlite`)));

describe('NodeLogStore', () => {
  it('creates its file on first use only, and keeps records across a reopen', async () => {
    const path = join(directory, 'lazy.sqlite');
    const { logger, lines } = capture();
    const first = nodeStore(path, logger);
    expect(existsSync(path)).toBe(false);
    await first.append([logRecord({ requestId: 'before-restart', requestBody: '{"messages":[]}' })]);
    expect(existsSync(path)).toBe(true);
    expect(lines).toEqual([{ level: 'info', event: 'request_log_opened', fields: { backend: 'sqlite', path } }]);
    await first.close();
    const second = nodeStore(path);
    const page = await second.query({ limit: 10, bodies: true });
    expect(page.records).toEqual([logRecord({ requestId: 'before-restart', requestBody: '{"messages":[]}' })]);
  });

  it('writes from its worker thread; close ends the worker, and a store never used opens nothing', async () => {
    const path = join(directory, 'closing.sqlite');
    const unused = nodeStore(join(directory, 'never.sqlite'));
    await unused.close();
    expect(existsSync(join(directory, 'never.sqlite'))).toBe(false);
    const store = nodeStore(path);
    await store.append([logRecord({ requestId: 'through-the-worker' })]);
    const worker = await store.store();
    expect(worker).toBeInstanceOf(WorkerLogStore);
    // Another connection to the file sees the row the worker wrote.
    const reader = SqliteLogStore.open(path);
    expect((await reader.query({ limit: 10 })).records.map((record) => record.requestId)).toEqual([
      'through-the-worker',
    ]);
    reader.close();
    await store.close();
    await expect(worker.append([logRecord({ requestId: 'late' })])).rejects.toThrow(
      'the request log worker has stopped',
    );
  });

  it('falls back to memory with one warning when the file cannot be opened', async () => {
    const notADirectory = join(directory, 'plain-file');
    writeFileSync(notADirectory, 'not a directory');
    const notADatabase = join(directory, 'not-a-database.sqlite');
    writeFileSync(notADatabase, 'x'.repeat(4096));
    for (const path of [
      join(directory, 'missing', 'deeper', 'log.sqlite'),
      join(notADirectory, 'log.sqlite'),
      notADatabase,
    ]) {
      const { logger, lines } = capture();
      const store = nodeStore(path, logger);
      await store.append([logRecord({ requestId: 'a' })]);
      await store.append([logRecord({ requestId: 'b' })]);
      expect((await store.query({ limit: 10 })).records.map((record) => record.requestId)).toEqual(['b', 'a']);
      expect(await store.store()).toBeInstanceOf(MemoryLogStore);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 'warn',
        event: 'request_log_sqlite_unavailable',
        fields: { path, fallback: 'memory' },
      });
    }
  });
});

describe('openNodeTelemetry', () => {
  it('keeps the request log in SQLite by default, in memory or nowhere when asked', async () => {
    const path = join(directory, 'default.sqlite');
    const { logger } = capture();
    const config = (log: object) =>
      parseGatewayConfig(JSON.stringify({ telemetry: { accessLog: false, log: { path, ...log } } }), {});
    expect(parseGatewayConfig('{}', {}).telemetry.log).toEqual({
      path: 'switchboard-log.sqlite',
      retentionDays: 30,
      maxEntries: 10_000,
      bodies: false,
      maxBodyBytes: 65_536,
    });
    const byDefault = openNodeTelemetry(config({}), logger);
    expect(byDefault.logStore).toBeInstanceOf(NodeLogStore);
    opened.push(byDefault.logStore as NodeLogStore);
    // Now: the retention sweep that runs with the flush deletes records older than 30 days.
    byDefault.sink.record(logRecord({ requestId: 'through-the-sink', startedAt: Date.now() }));
    await byDefault.sink.pending?.();
    await byDefault.logWriter?.flush();
    const sqlite = await (byDefault.logStore as NodeLogStore).store();
    expect(sqlite).toBeInstanceOf(WorkerLogStore);
    expect((await sqlite.query({ limit: 10 })).records.map((record) => record.requestId)).toEqual(['through-the-sink']);
    // A reload that only turns bodies on keeps the same store.
    expect(openNodeTelemetry(config({ bodies: true }), logger).logStore).toBe(byDefault.logStore);
    expect(openNodeTelemetry(config({ backend: 'memory' }), logger).logStore).toBeInstanceOf(MemoryLogStore);
    expect(openNodeTelemetry(config({ backend: 'off' }), logger).logStore).toBeUndefined();
  });
});
