// Issue 15 (webhook under load): a SQLite file's WAL checkpoints in a thread of their own.
//
// With WAL, SQLite copies the log back into the database file (a checkpoint: megabytes written,
// then an fsync) on whichever commit finds the log past 1,000 pages, inside that commit. The
// embedded bus commits on the main thread, which also answers the webhook and the API; at about
// 3.5 MB of log a second under full load (raw and analyzed records), one commit a second carried
// a checkpoint, and every request queued behind it waited for the disk. Here the main connection
// stops checkpointing (wal_autocheckpoint = 0) and a worker thread, with a connection of its own,
// runs a PASSIVE checkpoint every `intervalMs`: it copies what no reader still needs, never takes
// a lock that makes a writer or a reader wait, and the log restarts from its beginning once a
// checkpoint caught up. Durability is the commits' own (synchronous), untouched by who checkpoints.
//
// If the thread cannot start or stops, the main connection checkpoints again as before.
import { Worker } from 'node:worker_threads';
import { threadModule } from './thread-module.js';
import type BetterSqlite3 from 'better-sqlite3';

const DEFAULT_AUTOCHECKPOINT = 1000;

export interface WalCheckpointerOptions {
  /** How often the thread checkpoints; default 250 ms. */
  intervalMs?: number;
  /** A checkpoint the thread could not run (a damaged file): reported, then the main connection checkpoints again. */
  onWarning?: (message: string) => void;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private stopped = false;
  /** Resolves once the thread has opened the file and the main connection no longer checkpoints. */
  readonly ready: Promise<void>;
  /** Checkpoints the thread ran (tests, metrics). */
  checkpoints = 0;

  constructor(
    private readonly db: BetterSqlite3.Database,
    file: string,
    options: WalCheckpointerOptions = {},
  ) {
    const module = threadModule(import.meta.url, 'wal-checkpointer-worker');
    this.worker = new Worker(module.filename, { execArgv: module.execArgv, workerData: { file, intervalMs: options.intervalMs ?? 250 } });
    // Never keeps the process alive: the bus's close ends it, an exiting process takes it along.
    this.worker.unref();
    const fallBack = (reason: string) => {
      if (this.stopped) return;
      this.stopped = true;
      this.restore();
      options.onWarning?.(`${file}: checkpoints are back on the main thread (${reason})`);
    };
    this.ready = new Promise<void>((resolve) => {
      this.worker.on('message', (m: { type: 'ready' } | { type: 'checkpointed' } | { type: 'failed'; message: string }) => {
        if (m.type === 'ready') {
          if (!this.stopped) this.db.pragma('wal_autocheckpoint = 0');
          resolve();
        } else if (m.type === 'checkpointed') this.checkpoints++;
        else {
          fallBack(m.message);
          resolve();
        }
      });
      this.worker.on('error', (error) => (fallBack(error.message), resolve()));
      this.worker.on('exit', (code) => (fallBack(`the thread exited (${code})`), resolve()));
    });
  }

  private restore(): void {
    try {
      if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    } catch {
      // the connection is closing: nothing left to checkpoint from it
    }
  }

  /** Ends the thread (before the main connection closes, which checkpoints the rest itself). */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.restore();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Held while closing: with only unref'd handles left, the process would end here with code 0,
    // before its caller reports why it stopped (a config error found at start, for one).
    this.worker.ref();
    this.worker.postMessage({ type: 'close' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)));
    await Promise.race([exited, timeout]);
    clearTimeout(timer);
    await this.worker.terminate();
  }
}
