// One way to open the SQLite files under the data dir (bus, cursors, connector status, near-
// duplicate fingerprints, webhook signatures): the folder is created, WAL lets another process
// read and write the same file, and a busy file is waited for rather than failed at once.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface OpenSqliteOptions {
  /**
   * FULL: a commit is on disk before it returns (what a confirmed publish or a cursor needs).
   * NORMAL: a killed process loses nothing, a power cut may lose the last commits (derived data).
   */
  synchronous: 'FULL' | 'NORMAL';
  busyTimeoutMs?: number;
}

export function openSqlite(file: string, options: OpenSqliteOptions): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous}`);
  return db;
}
