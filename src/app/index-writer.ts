// Issue 15 (emb17): the embedded index stage's writes in a thread of their own. Storing a batch in
// SQLite (the mention rows, FTS5, terms, rollups, the commit) was a third of the main thread's time
// and held it for a few hundred milliseconds a batch: the webhook's answers waited behind it. The
// stage itself stays on the main thread (it consumes mentions.analyzed, publishes the dead letters,
// counts and commits the offset, as before); it hands each batch's records (text, cloned cheaply)
// to this thread, which parses them, drops erased authors and writes them through its own
// connection to the store file (index-writer-worker.ts), and gives back the dead letters and the
// counts. The main thread's store keeps answering the API through its connection (WAL: readers
// never wait for the writer) and follows the writer's commits (EmbeddedMentionStore.followWriter),
// so its columns stay current without being loaded again.
//
// Guarantees are the stage's: the offset is committed only once the thread's transaction
// committed, so kill -9 loses nothing acknowledged (the thread dies with the process; the batch
// comes again and its upserts are idempotent by id).
import { MessageChannel, Worker } from 'node:worker_threads';
import { threadModule } from '../core/thread-module.js';
import { EcouteError } from '../core/errors.js';
import { observeBulk } from '../ops/metrics.js';
import type { EmbeddedMentionStore } from '../store/embedded/store.js';
import type { ConsumedRecord } from '../streams/bus/types.js';
import type { IndexWrite } from '../streams/index-stage.js';

/** What the thread opens: plain data. */
export interface IndexWriterSetup {
  storeFile: string;
  /** data_dir/privacy.sqlite: the suppression list, read on every mention as on the main thread. */
  privacyFile: string | undefined;
  busyTimeoutMs?: number | undefined;
}

/** Messages from the thread. */
type FromWriter =
  | { type: 'ready' }
  | { type: 'written'; id: number; result: IndexWrite; seconds: number }
  | { type: 'failed'; id: number; error: { code: string; message: string; retriable: boolean } }
  | { type: 'warn'; error: { code: string; message: string; retriable: boolean } }
  | { type: 'fatal'; error: { code: string; message: string } };

export class IndexWriterThread {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: IndexWrite) => void; reject: (e: unknown) => void }>();
  private failure: EcouteError | undefined;
  private closed = false;
  /** Rejects when the thread stops on its own (it could not open the store, it crashed). */
  readonly failed: Promise<never>;

  /**
   * `follower`: the main thread's store of the same file, told of every commit. `onWarning`: a
   * retriable failure the thread waits out (a locked file, a full disk), for the stage's log.
   */
  constructor(setup: IndexWriterSetup, follower: EmbeddedMentionStore | undefined, onWarning: (error: unknown) => void) {
    const { port1, port2 } = new MessageChannel();
    const posted = new Int32Array(new SharedArrayBuffer(4));
    follower?.followWriter({ port: port1, posted });
    const module = threadModule(import.meta.url, 'index-writer-worker');
    this.worker = new Worker(module.filename, {
      execArgv: module.execArgv,
      workerData: { setup, commits: follower ? port2 : undefined, posted },
      transferList: follower ? [port2] : [],
    });
    let fail: (e: unknown) => void = () => undefined;
    this.failed = new Promise<never>((_, reject) => (fail = reject));
    this.failed.catch(() => undefined);
    const stop = (error: EcouteError) => {
      this.failure ??= error;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
      fail(error);
    };
    this.worker.on('message', (m: FromWriter) => {
      if (m.type === 'written') {
        observeBulk('embedded', m.seconds); // ecoute_store_bulk_duration_seconds, as the metered store counts in-thread writes
        this.settle(m.id)?.resolve(m.result);
      }
      else if (m.type === 'failed') this.settle(m.id)?.reject(new EcouteError(m.error.code as never, m.error.message, { retriable: m.error.retriable }));
      else if (m.type === 'warn') onWarning(new EcouteError(m.error.code as never, m.error.message, { retriable: m.error.retriable }));
      else if (m.type === 'fatal') stop(new EcouteError(m.error.code as never, `the store's writer thread stopped: ${m.error.message}`, { retriable: false }));
    });
    this.worker.on('error', (error) => stop(new EcouteError('UNEXPECTED', `the store's writer thread stopped: ${error.message}`, { cause: error, retriable: false })));
    this.worker.on('exit', (code) => {
      if (!this.closed) stop(new EcouteError('UNEXPECTED', `the store's writer thread exited (${code})`, { retriable: false }));
    });
  }

  private settle(id: number) {
    const w = this.waiting.get(id);
    this.waiting.delete(id);
    return w;
  }

  /** Writes one batch in the thread (IndexStageOptions.write). Aborting gives up waiting: nothing is committed, the batch comes again. */
  write(batch: ConsumedRecord[], signal: AbortSignal): Promise<IndexWrite> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<IndexWrite>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const abort = () => {
        this.worker.postMessage({ type: 'abort', id });
      };
      signal.addEventListener('abort', abort, { once: true });
      const done = () => signal.removeEventListener('abort', abort);
      this.waiting.set(id, {
        resolve: (r) => (done(), resolve(r)),
        reject: (e) => (done(), reject(e)),
      });
      // Only what the thread reads of a record: the bytes and where it came from.
      this.worker.postMessage({ type: 'write', id, records: batch.map(({ topic, partition, offset, key, value, headers, timestamp, unreadable }) => ({ topic, partition, offset, key, value, timestamp, ...(headers && { headers }), ...(unreadable !== undefined && { unreadable }) })) });
    });
  }

  /** Closes the thread's store (its last transaction committed or rolled back) and ends it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000).unref())]);
    await this.worker.terminate();
  }
}
