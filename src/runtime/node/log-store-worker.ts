import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteLogStore } from '../../state/sqlite/sqlite-log-store.ts';
import type { LogStoreCall, LogStoreMessage, LogStoreWorkerData } from './log-store-messages.ts';

/**
 * The request log's worker thread (started by `WorkerLogStore`): owns the SQLite file, so its writes (the client,
 * the INSERTs, the disk) never run on the thread that serves requests. Calls are answered one at a time, in order.
 */
if (!parentPort) throw new Error('log-store-worker runs as a worker thread');
const port = parentPort;
const { path } = workerData as LogStoreWorkerData;
const send = (message: LogStoreMessage) => port.postMessage(message);

/**
 * The log's thread yields to the serving thread: on two cores a write burst that takes the core a request needs next
 * delays it (paired runs at 500 req/s: fewer answers over 2 ms in 4 of 5 rounds, p99 1.45-2.09 against 1.97-2.17 ms).
 * Nice 10 still leaves the thread about a tenth of a fully contended core, several thousand records a second. Linux
 * only: there a thread's nice is its own, where macOS and Windows would lower the whole process.
 */
const LOG_THREAD_NICE = 10;
if (process.platform === 'linux') {
  try {
    setPriority(LOG_THREAD_NICE);
  } catch {
    // A system that refuses: the thread runs at the priority it has.
  }
}

let store: SqliteLogStore | undefined;
try {
  store = SqliteLogStore.open(path);
  await store.whenReady();
  send({ kind: 'opened' });
} catch (error) {
  try {
    store?.close();
  } catch {
    // Nothing more to release.
  }
  store = undefined;
  send({ kind: 'unavailable', error: String(error) });
}

let queue = Promise.resolve();
port.on('message', (call: LogStoreCall) => {
  queue = queue.then(() => answer(call));
});

async function answer(call: LogStoreCall): Promise<void> {
  if (!store) {
    send({ kind: 'failed', id: call.id, error: 'the request log file is not open' });
    return;
  }
  try {
    switch (call.method) {
      case 'append':
        await store.append(call.records);
        send({ kind: 'reply', id: call.id, value: undefined });
        return;
      case 'query':
        send({ kind: 'reply', id: call.id, value: await store.query(call.query) });
        return;
      case 'aggregate':
        send({ kind: 'reply', id: call.id, value: await store.aggregate(call.query) });
        return;
      case 'deleteOlderThan':
        send({ kind: 'reply', id: call.id, value: await store.deleteOlderThan(call.cutoff) });
        return;
      case 'close':
        store.close();
        store = undefined;
        send({ kind: 'reply', id: call.id, value: undefined });
        port.close();
        return;
    }
  } catch (error) {
    send({ kind: 'failed', id: call.id, error: error instanceof Error ? error.message : String(error) });
  }
}
