// Privacy (issue 14, H4): after an erasure, no deleted byte may stay on disk. SQLite keeps deleted
// rows' bytes in free pages and in the WAL; VACUUM rewrites each file without its free pages and a
// TRUNCATE checkpoint empties the WAL. Another process (`ecoute run`) may hold the files: the
// checkpoint then reports busy, and the erase says so (run it again with écoute stopped).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Database } from '../core/sqlite-driver.js';

export interface CompactResult {
  file: string;
  /** The WAL was emptied (false: another process was reading; free pages are gone all the same). */
  walTruncated: boolean;
}

export function compactDataDir(dataDir: string): CompactResult[] {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return [];
  }
  const results: CompactResult[] = [];
  for (const name of names.filter((n) => n.endsWith('.sqlite')).sort()) {
    const file = join(dataDir, name);
    const db = new Database(file, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 10000');
      db.pragma('secure_delete = ON');
      db.exec('VACUUM');
      const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
      results.push({ file: name, walTruncated: row === undefined || row.busy === 0 });
    } finally {
      db.close();
    }
  }
  return results;
}
