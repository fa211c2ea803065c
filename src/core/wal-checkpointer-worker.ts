// The thread of wal-checkpointer.ts: its own connection to the file, a PASSIVE checkpoint every
// interval. PASSIVE copies what it can without waiting for any lock, so it never blocks the
// connections that read and write the file; the thread only ever waits on the disk.
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from './errors.js';
import { Database } from './sqlite-driver.js';

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const port = parentPort!;

let db: InstanceType<typeof Database>;
try {
  db = new Database(file, { fileMustExist: true });
  // A checkpoint that meets a lock gives up at once (PASSIVE) and is tried again next interval.
  db.pragma('busy_timeout = 0');
  // This connection never writes; it must not checkpoint on its own either.
  db.pragma('wal_autocheckpoint = 0');
  port.postMessage({ type: 'ready' });
} catch (error) {
  port.postMessage({ type: 'failed', message: errorMessage(error) });
  process.exit(1);
}

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    port.postMessage({ type: 'checkpointed' });
  } catch (error) {
    // SQLITE_BUSY: another checkpoint runs (the last connection closing): next interval.
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return;
    port.postMessage({ type: 'failed', message: errorMessage(error) });
    process.exit(1);
  }
}, intervalMs);

// The bus closing: this connection closes first (the main one then checkpoints what is left as it closes).
port.on('message', (m: { type: 'close' }) => {
  if (m.type !== 'close') return;
  clearInterval(timer);
  db.close();
  port.close();
});
