// The data dir holds personal data about people who never signed up (mention texts, author keys)
// and the API's token: écoute creates its folders readable by their owner only, and its SQLite files
// likewise. Folders and files that exist already keep the modes their owner gave them, except the
// files whose secrecy is the point (the token, the author key), which their modules keep at 0600.
import { chmodSync, existsSync, mkdirSync } from 'node:fs';

/** Creates `dir` (and its missing parents) as 0700; an existing folder is left as it is. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Runs `create` (which creates `file`, e.g. opening a new SQLite file) and makes a file it created
 * readable by its owner only. SQLite gives the -wal and -shm files the main file's mode, so they
 * follow.
 */
export function createPrivate<T>(file: string, create: () => T): T {
  const isNew = !existsSync(file);
  const result = create();
  if (isNew && existsSync(file)) chmodSync(file, 0o600);
  return result;
}
