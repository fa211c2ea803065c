// The walls between rooms (docs/architecture.md, "Who may import whom"): the rule table is read from
// the doc itself, so the doc and the code cannot drift apart. Every folder of src/ must be in the
// table; every relative import of a file must land in its own room or in one the table allows. The
// imports are read with TypeScript's own pre-processor, so comments and strings never count.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const DOC = join(ROOT, 'docs', 'architecture.md');

interface Rule {
  room: string;
  /** Rooms (`core`) or parts of rooms (`streams/bus/`, `store/types.ts`) it may import; '*': any. */
  allowed: string[];
}

/** The rows of the table under "## Who may import whom": | `src/<room>/` | `a`, `b/` … | why |. */
function readRules(): Rule[] {
  const doc = readFileSync(DOC, 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Who may import whom'));
  if (!section) throw new Error('docs/architecture.md has no "## Who may import whom" section');
  return section
    .split('\n')
    .filter((line) => /^\| `src\//.test(line))
    .map((line) => {
      const [roomCell = '', allowedCell = ''] = line.split('|').slice(1).map((c) => c.trim());
      const room = /`src\/([^`/]+)\/?`/.exec(roomCell)?.[1] ?? '';
      const allowed = /everything/i.test(allowedCell) && !/`/.test(allowedCell) ? ['*'] : [...allowedCell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
      return { room, allowed };
    });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Where each relative import of `file` lands, as a path under src/ (`streams/bus/types.ts`). */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts').split('\\').join('/'));
}

function allows(rule: Rule, target: string): boolean {
  const room = target.split('/')[0] ?? '';
  if (room === rule.room || rule.allowed.includes('*')) return true;
  return rule.allowed.some((a) => (a.endsWith('/') ? target.startsWith(a) : a.includes('/') ? target === a : room === a));
}

describe('docs/architecture.md: who may import whom', () => {
  const rules = readRules();

  it('the table lists every folder of src/, and only folders that exist', () => {
    const rooms = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory()).sort();
    expect(rules.map((r) => r.room).sort()).toEqual(rooms);
    expect(readdirSync(SRC).filter((name) => !statSync(join(SRC, name)).isDirectory())).toEqual([]);
  });

  it('core imports nothing, nlp only core, as the design says', () => {
    expect(rules.find((r) => r.room === 'core')?.allowed).toEqual([]);
    expect(rules.find((r) => r.room === 'nlp')?.allowed).toEqual(['core']);
    expect(rules.find((r) => r.room === 'query')?.allowed.sort()).toEqual(['core', 'nlp']);
  });

  it('every import of src/ crosses only the walls the table opens', () => {
    const byRoom = new Map(rules.map((r) => [r.room, r]));
    const forbidden: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = relative(SRC, file).split(/[\\/]/)[0] ?? '';
      const rule = byRoom.get(from);
      if (!rule) continue; // reported by the first test
      for (const target of importsOf(file)) if (!allows(rule, target)) forbidden.push(`${relative(SRC, file)} imports ${target}`);
    }
    expect(forbidden).toEqual([]);
  });

  it('the check catches a forbidden import (core importing a component)', () => {
    const core = rules.find((r) => r.room === 'core') as Rule;
    expect(allows(core, 'connectors/registry.ts')).toBe(false);
    expect(allows(core, 'core/errors.ts')).toBe(true);
    const connectors = rules.find((r) => r.room === 'connectors') as Rule;
    expect(allows(connectors, 'store/types.ts')).toBe(false);
    expect(allows(connectors, 'streams/analyze.ts')).toBe(false);
    expect(allows(connectors, 'streams/bus/types.ts')).toBe(true);
  });
});
