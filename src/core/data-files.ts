// The SQLite files écoute keeps under data_dir, what each holds, and the small manifest
// (data_dir/data-files.json) that remembers which of them were created. The manifest is what tells
// "a fresh data dir" from "a file that held data and is now gone or emptied": SQLite itself cannot
// tell an emptied database from a new one, and would silently start it empty.
import { existsSync, openSync, readFileSync, readSync, closeSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EcouteError, errorMessage } from './errors.js';

export interface DataFileKind {
  /** The name used in --reset-<name>. */
  name: string;
  file: string;
  /** What the file holds, for messages. */
  holds: string;
  /** What starting it empty costs, for messages and the docs. */
  resetCost: string;
  /** Written in the header (PRAGMA application_id): a file holding another kind's data is refused. */
  applicationId: number;
}

// 0x65630000 + n: "ec" in the two high bytes, so an écoute file is recognisable in a hex dump.
export const DATA_FILES: readonly DataFileKind[] = [
  {
    name: 'bus',
    file: 'bus.sqlite',
    holds: 'the embedded bus (mentions not yet indexed, dead letters, stage offsets)',
    resetCost: 'mentions not yet indexed and the dead letters are lost; connectors re-read only from their cursors',
    applicationId: 0x65630001,
  },
  {
    name: 'store',
    file: 'store.sqlite',
    holds: 'the embedded store (every indexed mention)',
    resetCost: 'every indexed mention is lost; only what connectors read again comes back',
    applicationId: 0x65630002,
  },
  {
    name: 'connectors',
    file: 'connectors.sqlite',
    holds: 'connector cursors and status (how far each source was read)',
    resetCost: 'connectors read their sources again from the start (mention ids make the re-read harmless)',
    applicationId: 0x65630003,
  },
  {
    name: 'dedup',
    file: 'dedup.sqlite',
    holds: 'near-duplicate fingerprints',
    resetCost: 'new mentions are no longer marked as copies of the ones seen before the reset',
    applicationId: 0x65630004,
  },
  {
    name: 'replay-guard',
    file: 'webhook-signatures.sqlite',
    holds: 'the webhook signatures already accepted (replay protection)',
    resetCost: 'a signed webhook request seen in the last tolerance_ms could be accepted again',
    applicationId: 0x65630005,
  },
  {
    name: 'alerts',
    file: 'alerts.sqlite',
    holds: 'alerts, incidents, acknowledgements, feedback and the notifiers\' delivery log',
    resetCost: 'past alerts and incidents are forgotten, and an alert already sent may be sent again if its mentions are replayed',
    applicationId: 0x65630006,
  },
  // Issue 13, reports part.
  {
    name: 'reports',
    file: 'reports.sqlite',
    holds: 'the report delivery log (which scheduled report went where)',
    resetCost: 'the last scheduled report of each schedule may be sent once more at the next start',
    applicationId: 0x65630010,
  },
  // Issue 14, faults-embedded part: `ecoute dlq` remembers which dead letters were replayed or dropped.
  {
    name: 'dead-letters',
    file: 'dead-letters.sqlite',
    holds: 'which dead letters were replayed or dropped (`ecoute dlq`)',
    resetCost: 'dead letters already replayed could be replayed again, and dropped ones on Kafka are listed again',
    applicationId: 0x65630020,
  },
  // Issue 14, privacy part.
  {
    name: 'privacy',
    file: 'privacy.sqlite',
    holds: 'the suppression list of erased authors (keyed hashes only) and the erasure log',
    resetCost: 'erased people are no longer suppressed: a replay or a connector re-fetch could bring their mentions back, and the erasure log is lost',
    applicationId: 0x65630014,
  },
];

export const MANIFEST_FILE = 'data-files.json';

export function kindOf(file: string): DataFileKind | undefined {
  if (file === ':memory:' || file === '') return undefined;
  const name = basename(file);
  return DATA_FILES.find((k) => k.file === name);
}

export function kindNamed(name: string): DataFileKind | undefined {
  return DATA_FILES.find((k) => k.name === name);
}

interface Manifest {
  files: Record<string, { created_at: string }>;
}

/** A data file found damaged, missing or emptied: what was wrong, and what to do. */
export function damaged(file: string, problem: string): EcouteError {
  const kind = kindOf(file);
  const advice = kind
    ? `It holds ${kind.holds}. Restore it from a backup (with écoute stopped), or start with --reset-${kind.name} to set it aside and start it empty on purpose (${kind.resetCost})`
    : 'Restore it from a backup, or move it away to start it empty';
  return new EcouteError('DATA_FILE_DAMAGED', `data file ${file}: ${problem}. ${advice}.`);
}

export function readManifest(dataDir: string): Manifest {
  const path = join(dataDir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { files: {} };
    throw new EcouteError('DATA_FILE_UNAVAILABLE', `cannot read ${path}: ${errorMessage(error)}`, { cause: error });
  }
  try {
    const parsed = JSON.parse(text) as Partial<Manifest>;
    if (parsed && typeof parsed.files === 'object' && parsed.files !== null) return { files: parsed.files };
  } catch {
    // reported below
  }
  throw new EcouteError(
    'DATA_FILE_DAMAGED',
    `data file ${path}: not the manifest écoute writes (it lists the data files created in this folder). Delete it: it is rebuilt from the files present at the next start`,
  );
}

function writeManifest(dataDir: string, manifest: Manifest): void {
  const path = join(dataDir, MANIFEST_FILE);
  const body = `${JSON.stringify({ note: 'written by écoute: the data files created in this folder, to detect one lost or emptied', ...manifest }, null, 2)}\n`;
  // Written beside then renamed: a crash or a full disk never leaves a half-written manifest.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, body);
  renameSync(tmp, path);
}

/** Whether the manifest says this file was created (and so held a schema). */
export function wasCreated(file: string): string | undefined {
  return readManifest(dirname(file)).files[basename(file)]?.created_at;
}

/** Records that this data file now exists with its schema. */
export function recordCreated(file: string): void {
  if (!kindOf(file)) return;
  const dataDir = dirname(file);
  const manifest = readManifest(dataDir);
  if (manifest.files[basename(file)]) return;
  manifest.files[basename(file)] = { created_at: new Date().toISOString() };
  writeManifest(dataDir, manifest);
}

/** Forgets a data file (it was reset on purpose). */
export function forgetCreated(file: string): void {
  const dataDir = dirname(file);
  const manifest = readManifest(dataDir);
  if (!manifest.files[basename(file)]) return;
  delete manifest.files[basename(file)];
  writeManifest(dataDir, manifest);
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
const WAL_HEADER_BYTES = 32;
const WAL_FRAME_HEADER_BYTES = 24;
const SECTOR_BYTES = 4096;

/**
 * The checks made before SQLite sees the file (SQLite would accept an emptied file as a new
 * database, and silently drop the tail of a cut write-ahead log). Throws DATA_FILE_DAMAGED.
 */
export function checkBeforeOpen(file: string): void {
  if (!kindOf(file)) return;
  const created = wasCreated(file);
  if (!existsSync(file)) {
    if (created) throw damaged(file, `is missing, though it was created on ${created}`);
    return;
  }
  const size = statSync(file).size;
  if (size === 0) {
    // SQLite writes the header as soon as WAL mode is set, so a known file of 0 bytes was emptied.
    if (created) throw damaged(file, `is empty (0 bytes), though it was created on ${created}: it was truncated or overwritten`);
    return;
  }
  const head = readHead(file, 100);
  if (head.length < SQLITE_HEADER.length || !head.subarray(0, SQLITE_HEADER.length).equals(SQLITE_HEADER)) {
    throw damaged(file, `is not an SQLite database (its first bytes are ${JSON.stringify(head.subarray(0, 16).toString('latin1'))})`);
  }
  checkWal(file);
}

/**
 * A write-ahead log holds whole frames (a 24-byte header and one page). One ending in the middle of
 * a frame was cut (truncated, or copied while being written): SQLite would keep the frames before
 * the cut and silently forget every commit after it. A cut through frames left over from before
 * the last checkpoint (their salts differ from the log header's) loses nothing and is let through.
 * Another process writing the log right now can show a partial frame for an instant, so an odd
 * size is looked at again before it is reported.
 */
function checkWal(file: string): void {
  const wal = `${file}-wal`;
  for (let attempt = 0; ; attempt++) {
    const problem = walProblem(wal);
    if (problem === undefined) return;
    if (attempt >= 3) throw damaged(file, problem);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

function walProblem(wal: string): string | undefined {
  let size: number;
  try {
    size = statSync(wal).size;
  } catch {
    return undefined;
  }
  if (size === 0) return undefined;
  if (size < WAL_HEADER_BYTES) return `its write-ahead log ${wal} is cut (${size} bytes, shorter than its header)`;
  const head = readAt(wal, 0, WAL_HEADER_BYTES);
  const magic = head.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return `its write-ahead log ${wal} is not a SQLite write-ahead log`;
  const pageSize = head.readUInt32BE(8);
  const frame = WAL_FRAME_HEADER_BYTES + pageSize;
  const remainder = (size - WAL_HEADER_BYTES) % frame;
  if (remainder === 0) return undefined;
  // A process killed while writing a transaction leaves the log where one of SQLite's writes ended:
  // after a frame header (24 bytes in), or at a sector boundary where it splits a page write. That
  // transaction never committed (its commit frame comes last) and SQLite rightly discards it; a cut
  // at an arbitrary byte almost never lands on either.
  if (remainder === WAL_FRAME_HEADER_BYTES || size % SECTOR_BYTES === 0) return undefined;
  // The frame the cut goes through, or the last whole one before it: is it of the current log?
  const whole = Math.floor((size - WAL_HEADER_BYTES) / frame);
  const at = WAL_HEADER_BYTES + (whole > 0 ? whole - 1 : 0) * frame;
  const frameHead = readAt(wal, at, WAL_FRAME_HEADER_BYTES);
  if (frameHead.length < 16 || !frameHead.subarray(8, 16).equals(head.subarray(16, 24))) return undefined;
  return `its write-ahead log ${wal} ends in the middle of a page (${size} bytes, not a whole number of ${frame}-byte frames): it was cut, and the commits after the cut would be silently lost`;
}

function readHead(file: string, bytes: number): Buffer {
  return readAt(file, 0, bytes);
}

function readAt(file: string, position: number, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const n = readSync(fd, buffer, 0, bytes, position);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
