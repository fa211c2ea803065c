// The one way to open, check and write the SQLite files under the data dir (bus, store, cursors and
// connector status, near-duplicate fingerprints, webhook signatures). Opening creates the folder,
// sets WAL (another process may read and write the same file) and waits for a busy file rather
// than failing at once; it refuses a file found damaged, missing or emptied (data-files.ts), and
// every failure names the file and carries a catalogue code. Writes go through `guarded`, which
// turns a full disk or an I/O error into a retriable DISK_FULL / DISK_IO_ERROR and reports it once
// (disk-space.ts) however many parts of écoute retry behind it.
import { existsSync, renameSync } from 'node:fs';
import { createPrivate, ensurePrivateDir } from './private-files.js';
import { dirname, join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { Database } from './sqlite-driver.js';
import { checkBeforeOpen, damaged, DATA_FILES, forgetCreated, kindNamed, kindOf, recordCreated, wasCreated } from './data-files.js';
import { diskSpace, noRoomLeft } from './disk-space.js';
import { EcouteError, errorMessage } from './errors.js';
import type { Logger } from './log.js';

export interface OpenSqliteOptions {
  /**
   * FULL: a commit is on disk before it returns (what a confirmed publish or a cursor needs).
   * NORMAL: a killed process loses nothing, a power cut may lose the last commits (derived data).
   */
  synchronous?: 'FULL' | 'NORMAL';
  busyTimeoutMs?: number;
  /** Opens an existing file for reading only (another process writes it). */
  readonly?: boolean;
  /** Creates (or upgrades) the file's tables, in one transaction; the file is then known to the manifest. */
  schema?: (db: BetterSqlite3.Database) => void;
  /** The schema version `schema` writes (PRAGMA user_version); a file of a newer version is refused. */
  version?: number;
}

export function openSqlite(file: string, options: OpenSqliteOptions = {}): BetterSqlite3.Database {
  const memory = file === ':memory:' || file === '';
  try {
    if (!memory && !options.readonly) ensurePrivateDir(dirname(file));
    if (!memory) checkBeforeOpen(file);
    const db = memory || options.readonly ? new Database(file, options.readonly ? { readonly: true, fileMustExist: true } : {}) : createPrivate(file, () => new Database(file));
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 10_000))}`);
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      }
      if (!memory) checkAfterOpen(db, file, options);
      if (options.schema && !options.readonly) {
        const schema = options.schema;
        guarded(file, 'creating its tables', () =>
          db
            .transaction(() => {
              schema(db);
              if (options.version !== undefined && (db.pragma('user_version', { simple: true }) as number) < options.version) db.pragma(`user_version = ${options.version}`);
            })
            .immediate(),
        );
        markSchemaCreated(db, file);
      }
    } catch (error) {
      db.close();
      throw error;
    }
    return db;
  } catch (error) {
    throw openFailure(file, error);
  }
}

/**
 * The file has its tables: its header names what it holds (PRAGMA application_id) and the
 * manifest knows it, so losing or emptying it later is noticed. For a file whose owner creates
 * its schema itself (the store's migrations).
 */
export function markSchemaCreated(db: BetterSqlite3.Database, file: string): void {
  const kind = kindOf(file);
  if (!kind) return;
  guarded(file, 'marking it as an écoute data file', () => {
    if (db.pragma('application_id', { simple: true }) !== kind.applicationId) db.pragma(`application_id = ${kind.applicationId}`);
    recordCreated(file);
  });
}

/** What SQLite can tell once the file is open: tables present, whose data, which version. */
function checkAfterOpen(db: BetterSqlite3.Database, file: string, options: OpenSqliteOptions): void {
  const kind = kindOf(file);
  if (!kind) return;
  const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
  if (tables === 0) {
    const created = wasCreated(file);
    if (created) throw damaged(file, `holds no tables, though it was created on ${created}: it was emptied or replaced by a new database`);
    return;
  }
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId !== 0 && appId !== kind.applicationId) {
    const other = DATA_FILES.find((k) => k.applicationId === appId);
    throw damaged(file, `holds ${other ? `${other.holds} (it is a copy of ${other.file})` : "another program's data"}, not ${kind.holds}`);
  }
  const version = db.pragma('user_version', { simple: true }) as number;
  if (options.version !== undefined && version > options.version) {
    throw new EcouteError('DATA_FILE_UNAVAILABLE', `data file ${file} has schema version ${version}, newer than this écoute understands (${options.version}); upgrade écoute`);
  }
  // A data dir from before the manifest existed: its files are recorded the first time they are seen.
  if (!options.readonly && (appId === 0 || !wasCreated(file))) markSchemaCreated(db, file);
}

function openFailure(file: string, error: unknown): EcouteError {
  if (error instanceof EcouteError) return error;
  return sqliteFailure(error, file, 'opening it') ?? new EcouteError('DATA_FILE_UNAVAILABLE', `cannot open data file ${file}: ${errorMessage(error)}`, { cause: error });
}

/** The catalogue error for a failed SQLite (or file system) call on `file`, or undefined if it is not about the file. */
export function sqliteFailure(error: unknown, file: string, doing: string): EcouteError | undefined {
  if (error instanceof EcouteError) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const message = errorMessage(error);
  // An I/O error on a file system with no room left is a full disk too (growing the -shm file
  // of a full tmpfs fails as SQLITE_IOERR_SHMSIZE, for instance).
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || ((code.startsWith('SQLITE_IOERR') || code === 'EIO') && noRoomLeft(dirname(file)))) {
    // No free-space figures here: the message stays the same across retries (callers log a message
    // when it changes); the disk reporter's line gives them.
    return new EcouteError('DISK_FULL', `cannot write data file ${file} (${doing}): the file system holding ${dirname(file)} is full`, { cause: error });
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
    return new EcouteError('DISK_IO_ERROR', `data file ${file}: I/O error while ${doing} (${code}: ${message})`, { cause: error });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return damaged(file, `SQLite found it damaged while ${doing} (${code}: ${message})`);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new EcouteError('DATA_FILE_BUSY', `data file ${file} is locked by another process (${doing}): ${message}`, { cause: error });
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new EcouteError('DATA_FILE_UNAVAILABLE', `cannot ${doing.replace(/^opening/, 'open')} data file ${file}: ${message} (${code}); check the folder exists and écoute may write it`, { cause: error });
  }
  return undefined;
}

export function isDiskError(error: unknown): boolean {
  return error instanceof EcouteError && (error.code === 'DISK_FULL' || error.code === 'DISK_IO_ERROR');
}

/**
 * Runs one SQLite call on `file`. A failure about the file (full, I/O error, damaged, locked)
 * becomes its catalogue error naming the file, and a disk problem is reported once to the
 * operator; other errors (a constraint, a bug) pass unchanged. A success after a disk problem
 * reports that writes resumed.
 */
export function guarded<T>(file: string, doing: string, work: () => T): T {
  let result: T;
  try {
    result = work();
  } catch (error) {
    const mapped = sqliteFailure(error, file, doing);
    if (!mapped) throw error;
    if (isDiskError(mapped)) diskSpace.failed(file, mapped);
    throw mapped;
  }
  diskSpace.succeeded(file);
  return result;
}

/**
 * The start-up check of every data file under `dataDir` (`ecoute run`, `ingest`, `worker`): each
 * one present or known to the manifest is opened and given SQLite's quick_check (every page and
 * index read once). Every problem is reported in one error, each naming its file.
 */
export function checkDataDir(dataDir: string): void {
  const problems: EcouteError[] = [];
  for (const kind of DATA_FILES) {
    const file = join(dataDir, kind.file);
    try {
      if (!existsSync(file) && !wasCreated(file)) continue;
      const db = openSqlite(file, { synchronous: 'NORMAL' });
      try {
        const rows = guarded(file, 'checking its integrity', () => db.pragma('quick_check(5)') as { quick_check: string }[]);
        const found = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
        if (found.length > 0) throw damaged(file, `SQLite's integrity check failed: ${found.join('; ')}`);
      } finally {
        db.close();
      }
    } catch (error) {
      problems.push(openFailure(file, error));
    }
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    const code = problems.some((p) => p.code === 'DATA_FILE_DAMAGED') ? 'DATA_FILE_DAMAGED' : (problems[0] as EcouteError).code;
    throw new EcouteError(code, `${problems.length} data files cannot be used:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`, { retriable: false });
  }
}

/**
 * --reset-<name>: sets the data file aside (renamed, with its log, never deleted: it may still be
 * worth recovering) and forgets it, so it starts empty on purpose.
 */
export function resetDataFiles(dataDir: string, names: readonly string[], log: Logger): void {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const name of names) {
    const kind = kindNamed(name);
    if (!kind) throw new EcouteError('USAGE', `--reset-${name}: no such data file (known: ${DATA_FILES.map((k) => k.name).join(', ')})`);
    const file = join(dataDir, kind.file);
    const moved: string[] = [];
    for (const suffix of ['', '-wal', '-shm']) {
      if (!existsSync(file + suffix)) continue;
      const target = `${file}.set-aside-${stamp}${suffix}`;
      try {
        renameSync(file + suffix, target);
      } catch (error) {
        throw new EcouteError('DATA_FILE_UNAVAILABLE', `--reset-${name}: cannot move ${file + suffix} aside: ${errorMessage(error)}`, { cause: error });
      }
      moved.push(target);
    }
    if (existsSync(join(dataDir, 'data-files.json'))) forgetCreated(file);
    log.warn(
      moved.length > 0
        ? `--reset-${name}: ${file} set aside as ${moved[0]}; starting it empty (${kind.resetCost})`
        : `--reset-${name}: ${file} was not there; starting it empty (${kind.resetCost})`,
    );
  }
}
