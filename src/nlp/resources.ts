// Where the NLP's data files live, and how they are read. Lexicons ship in config/lexicons/ of the
// package; they are found from this module's own location (src/nlp/ under tsx or vitest,
// dist/src/nlp/ once built), never from the working directory, so `ecoute` works from anywhere.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EcouteError } from '../core/errors.js';

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
