// The key behind author pseudonyms. Taken from ECOUTE_AUTHOR_KEY when set (distributed workers
// must share it), otherwise created once under the data dir and kept, so an author keeps the same
// key across runs and `eraseAuthor` can find every mention of theirs.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ensurePrivateDir } from './private-files.js';
import { join } from 'node:path';

export function authorKeySecret(dataDir: string): string {
  const fromEnv = process.env.ECOUTE_AUTHOR_KEY;
  if (fromEnv && fromEnv.length > 0) return fromEnv;
  const file = join(dataDir, 'author-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  ensurePrivateDir(dataDir);
  const key = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    // Another process created it first: use theirs.
    return readFileSync(file, 'utf8').trim();
  }
}
