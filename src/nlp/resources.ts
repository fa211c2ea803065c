// Where the NLP's data files live, and how they are read. Lexicons ship in config/lexicons/ of the
// package; they are found from this module's own location (src/nlp/ under tsx or vitest,
// dist/src/nlp/ once built), never from the working directory, so `ecoute` works from anywhere.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EcouteError } from '../core/errors.js';
import { ecouteCacheDir } from '../core/cache-dir.js';

const require = createRequire(import.meta.url);

let root: string | undefined;

/** The package root: the nearest ancestor of this module holding package.json and config/lexicons. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'config', 'lexicons'))) {
      root = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new EcouteError('LEXICON_NOT_FOUND', `écoute: cannot find config/lexicons/ above ${fileURLToPath(import.meta.url)}`);
    }
    dir = parent;
  }
}

/** Absolute path of a file in config/lexicons/. */
export function lexiconPath(name: string): string {
  return join(packageRoot(), 'config', 'lexicons', name);
}

/**
 * Reads a valence lexicon. Two line formats are accepted: VADER's `term->valence` (the French
 * VADER file) and ours, `term<TAB>valence` (`#` starts a comment line). Terms are lower-cased;
 * valences are on VADER's scale, -4..4. Later lines override earlier ones.
 */
export function readValenceFile(name: string): Map<string, number> {
  const out = new Map<string, number>();
  const text = readFileSync(lexiconPath(name), 'utf8');
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    let term: string;
    let value: string;
    const tab = line.lastIndexOf('\t');
    if (tab > 0) {
      term = line.slice(0, tab);
      value = line.slice(tab + 1);
    } else {
      const arrow = line.lastIndexOf('->');
      if (arrow <= 0) continue;
      term = line.slice(0, arrow);
      value = line.slice(arrow + 2);
    }
    const v = Number(value.trim());
    const key = term.trim().normalize('NFC').toLowerCase();
    if (key !== '' && Number.isFinite(v)) out.set(key, v);
  }
  return out;
}

/** Where parsed lexicon YAML is cached: lexicons/ in the cache directory. */
function lexiconCacheDir(): string {
  return join(ecouteCacheDir(), 'lexicons');
}

/** Whether JSON gives `value` back as it is: plain objects, arrays, strings, finite numbers, booleans, null. */
function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(isPlainJson);
  return false;
}

/**
 * A YAML file of config/lexicons/ as plain data. Parsing the YAML (and loading the yaml package)
 * was a fifth of `ecoute analyze`'s start (issue 15, start15), so the parsed document is kept as
 * JSON in the cache directory under the SHA-1 of the file's text: a changed file is parsed again,
 * never read stale. A cache that cannot be written only costs the parse.
 */
export function readLexiconYaml(name: string): unknown {
  const text = readFileSync(lexiconPath(name), 'utf8');
  const cached = join(lexiconCacheDir(), `${createHash('sha1').update(text).digest('hex')}.json`);
  try {
    return JSON.parse(readFileSync(cached, 'utf8')) as unknown;
  } catch {
    // not cached yet (or unreadable): parse it
  }
  const doc = (require('yaml') as typeof import('yaml')).parse(text) as unknown;
  if (!isPlainJson(doc)) return doc;
  try {
    mkdirSync(dirname(cached), { recursive: true });
    // Written aside, then renamed: a concurrent reader sees the whole file or none.
    const partial = `${cached}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(doc));
    renameSync(partial, cached);
  } catch {
    // read-only or full disk: parse again next time
  }
  return doc;
}
