// One error catalogue (issue 10, item 6): the codes in src/core/errors.ts and the table in
// docs/errors.md say the same thing (the way Fastify keeps its error docs true), every error src/
// throws is an EcouteError, and the CLI prints the code so that users can look it up.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { describeError, exitCodeOf, SilentExit, UsageError } from '../../src/cli/context.js';
import { EcouteError, ERROR_CODES, type ErrorCode } from '../../src/core/errors.js';
import type { BulkItemResult } from '../../src/store/types.js';

const root = join(import.meta.dirname, '..', '..');

interface DocRow {
  code: string;
  stage: string;
  retriable: string;
  meaning: string;
  todo: string;
  line: number;
}

/** The rows of docs/errors.md's table: `| \`CODE\` | stage | yes/no | meaning | what to do |`. */
function documentedCodes(): DocRow[] {
  const rows: DocRow[] = [];
  readFileSync(join(root, 'docs', 'errors.md'), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /^\|\s*`([A-Z0-9_]+)`\s*\|(.*)\|\s*$/.exec(text);
      if (!m) return;
      const [stage = '', retriable = '', meaning = '', todo = ''] = (m[2] as string).split('|').map((c) => c.trim());
      rows.push({ code: m[1] as string, stage, retriable, meaning, todo, line: i + 1 });
    });
  return rows;
}

describe('docs/errors.md and ERROR_CODES', () => {
  const rows = documentedCodes();
  const catalogue = Object.keys(ERROR_CODES);

  it('documents every code of the catalogue', () => {
    const documented = new Set(rows.map((r) => r.code));
    expect(catalogue.filter((code) => !documented.has(code)), 'codes in src/core/errors.ts missing from docs/errors.md').toEqual([]);
  });

  it('documents no code the catalogue lacks, and none twice', () => {
    expect(rows.filter((r) => !(r.code in ERROR_CODES)).map((r) => `line ${r.line}: ${r.code}`), 'codes in docs/errors.md not in src/core/errors.ts').toEqual([]);
    const seen = new Set<string>();
    expect(rows.filter((r) => seen.size === seen.add(r.code).size).map((r) => `line ${r.line}: ${r.code}`), 'codes documented twice').toEqual([]);
  });

  it('gives each code the stage and retriable of the catalogue, a meaning and what to do', () => {
    const wrong: string[] = [];
    for (const r of rows) {
      const entry = ERROR_CODES[r.code as ErrorCode];
      if (!entry) continue;
      if (r.stage !== entry.stage) wrong.push(`line ${r.line}: ${r.code}: stage "${r.stage}", the catalogue says "${entry.stage}"`);
      const retriable = entry.retriable ? 'yes' : 'no';
      if (r.retriable !== retriable) wrong.push(`line ${r.line}: ${r.code}: retriable "${r.retriable}", the catalogue says "${retriable}"`);
      if (r.meaning === '') wrong.push(`line ${r.line}: ${r.code}: no meaning`);
      if (r.todo === '') wrong.push(`line ${r.line}: ${r.code}: no "what to do"`);
    }
    expect(wrong).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The code of a file without its comments (a comment may well say "new Error("). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

// No exemption: the HTTP host's HttpError is an EcouteError too (src/http/errors.ts).
const EXEMPT = new Set<string>();

describe('src/ throws only EcouteErrors', () => {
  const files = sourceFiles(join(root, 'src'));

  it('scans the source', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('has no bare Error, TypeError or RangeError, and no error class outside the catalogue', () => {
    const found: string[] = [];
    for (const file of files) {
      const rel = relative(root, file).split('\\').join('/');
      withoutComments(readFileSync(file, 'utf8'))
        .split('\n')
        .forEach((line, i) => {
          for (const m of line.matchAll(/\bnew (Error|TypeError|RangeError|SyntaxError)\(|\bclass \w+ extends (Error|TypeError|RangeError)\b/g)) {
            const hit = `${rel}: ${m[0]}`;
            if (rel === 'src/core/errors.ts' && m[0] === 'class EcouteError extends Error') continue;
            if (EXEMPT.has(hit)) continue;
            found.push(`${rel}:${i + 1}: ${line.trim()}`);
          }
        });
    }
    expect(found, 'throw an EcouteError with a code of src/core/errors.ts (add one there and in docs/errors.md if none fits)').toEqual([]);
  });
});

describe('the CLI shows the code', () => {
  it('prints an EcouteError as [CODE] message', () => {
    expect(describeError(new EcouteError('CONFIG_INVALID', 'brands[0].name: required'))).toBe('[CONFIG_INVALID] brands[0].name: required');
    expect(describeError(new UsageError('--limit: must be a whole number'))).toBe('[USAGE] --limit: must be a whole number');
  });

  it('keeps the exit codes: 2 for usage and configuration, 1 for the rest, a SilentExit its own', () => {
    const usage = new UsageError('--sort: must be newest or relevance');
    expect(usage).toBeInstanceOf(EcouteError);
    expect(usage).toMatchObject({ code: 'USAGE', retriable: false, exitCode: 2 });
    expect(exitCodeOf(usage)).toBe(2);
    expect(exitCodeOf(new EcouteError('QUERY_SYNTAX', 'x'))).toBe(2);
    expect(exitCodeOf(new EcouteError('STORE_UNAVAILABLE', 'x'))).toBe(1);
    const silent = new SilentExit(3);
    expect(silent).toBeInstanceOf(EcouteError);
    expect(exitCodeOf(silent)).toBe(3);
  });
});

describe('the store', () => {
  it('types a bulk item error code as a catalogue code', () => {
    // Checked by `npm run typecheck` (tsconfig includes test/): a plain string fails it.
    expectTypeOf<NonNullable<BulkItemResult['error']>['code']>().toEqualTypeOf<ErrorCode>();
  });
});
