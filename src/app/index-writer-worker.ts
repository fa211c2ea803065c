// Issue 15 (emb17): the store's writer thread (index-writer.ts). It owns a connection to the store
// file and one to the suppression list, and writes the batches the index stage hands it, one at a
// time, with the very function the stage runs in-thread (writeIndexBatch): the same parsing, the
// same dead letters, the same retries of a store that is busy.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { isEcouteError, errorMessage } from '../core/errors.js';
import { EmbeddedMentionStore } from '../store/embedded/store.js';
import { SqlitePrivacyLedger } from '../privacy/sqlite-ledger.js';
import type { ConsumedRecord } from '../streams/bus/types.js';
import { writeIndexBatch } from '../streams/index-stage.js';
import type { IndexWriterSetup } from './index-writer.js';

const { setup, commits, posted } = workerData as { setup: IndexWriterSetup; commits: MessagePort | undefined; posted: Int32Array };
const port = parentPort!;

const described = (error: unknown) => ({
  code: isEcouteError(error) ? error.code : 'UNEXPECTED',
  message: errorMessage(error),
  retriable: isEcouteError(error) ? error.retriable : false,
});

let store: EmbeddedMentionStore;
let privacy: SqlitePrivacyLedger | undefined;
try {
  store = new EmbeddedMentionStore({
    file: setup.storeFile,
    ...(setup.busyTimeoutMs !== undefined && { busyTimeoutMs: setup.busyTimeoutMs }),
    // The main thread's store follows each commit (post first, then count: it never waits for a commit counted but not posted).
    ...(commits && {
      onCommit: (commit) => {
        commits.postMessage(commit);
        Atomics.add(posted, 0, 1);
      },
    }),
  });
  await store.ensureSchema();
  privacy = setup.privacyFile ? new SqlitePrivacyLedger(setup.privacyFile) : undefined;
} catch (error) {
  port.postMessage({ type: 'fatal', error: described(error) });
  process.exit(1);
}

/** The batch being written (one at a time) and its abort. */
const aborts = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

port.on('message', (m: { type: 'write'; id: number; records: ConsumedRecord[] } | { type: 'abort'; id: number } | { type: 'close' }) => {
  if (m.type === 'abort') aborts.get(m.id)?.abort();
  else if (m.type === 'write') {
    const controller = new AbortController();
    aborts.set(m.id, controller);
    queue = queue.then(async () => {
      try {
        const started = performance.now();
        const result = await writeIndexBatch(m.records, {
          store,
          suppressed: privacy,
          signal: controller.signal,
          onError: (error) => port.postMessage({ type: 'warn', error: described(error) }),
        });
        // The thread has no metrics registry of its own: the main thread observes the bulk's time.
        port.postMessage({ type: 'written', id: m.id, result, seconds: (performance.now() - started) / 1000 });
      } catch (error) {
        port.postMessage({ type: 'failed', id: m.id, error: described(error) });
      } finally {
        aborts.delete(m.id);
      }
    });
  } else {
    for (const a of aborts.values()) a.abort();
    void queue.finally(async () => {
      await store.close().catch(() => undefined);
      await privacy?.close().catch(() => undefined);
      commits?.close();
      port.close();
    });
  }
});
