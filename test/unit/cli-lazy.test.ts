// The command line loads only what the command it runs needs (issue 15, "The command line"): the
// modules a process imports are traced (test/fixtures/trace-imports/) while the built `ecoute`
// runs. Speed itself is measured by `npm run bench:cli`, not here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram, COMMANDS } from '../../src/cli/main.js';
import { readLexiconYaml, lexiconPath } from '../../src/nlp/resources.js';
import { ROOT } from '../helpers/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'ecoute-cli-lazy-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let traces = 0;

/** Runs `ecoute <args>` and returns its output and the URLs of every module it imported. */
function traced(args: string[], input?: string): { code: number | null; stdout: string; stderr: string; imports: string[] } {
  const log = join(scratch, `imports-${++traces}.txt`);
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', join(ROOT, 'test/fixtures/trace-imports/register.mjs'), join(ROOT, 'bin/ecoute.js'), ...args], {
    cwd: scratch,
    input,
    encoding: 'utf8',
    env: { ...process.env, ECOUTE_TRACE_IMPORTS: log, ECOUTE_CACHE_DIR: join(scratch, 'cache'), NO_COLOR: '1' },
  });
  const imports = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '');
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, imports };
}

const inside = (imports: string[], part: string): string[] => imports.filter((url) => url.includes(part));

describe('ecoute starts with only what the command needs', () => {
  it('--version prints the package version and loads no command, no NLP, no config schema', () => {
    const run = traced(['--version']);
    expect(run.code).toBe(0);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(run.stdout.trim()).toBe(version);
    // The trace works: the CLI's own entry module is in it.
    expect(inside(run.imports, '/src/cli/main.js')).toHaveLength(1);
    expect(inside(run.imports, '/src/nlp/')).toEqual([]);
    expect(inside(run.imports, 'wink-nlp')).toEqual([]);
    expect(inside(run.imports, '/src/config/')).toEqual([]);
    expect(inside(run.imports, '/src/cli/commands/')).toEqual([]);
  });

  it('--help lists every command without loading any', () => {
    const run = traced(['--help']);
    expect(run.code).toBe(0);
    for (const entry of COMMANDS) expect(run.stdout).toContain(entry.term);
    expect(inside(run.imports, '/src/cli/commands/')).toEqual([]);
  });

  it("a loaded command's subcommands keep commander's own terms in its help", () => {
    const run = traced(['alerts', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/backtest \[options\]/);
  });

  it('search --help loads the search command, not the config, the store or the analysis', () => {
    const run = traced(['search', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: ecoute search [options] <query>');
    expect(inside(run.imports, '/src/cli/commands/')).toEqual([expect.stringContaining('/src/cli/commands/search.js')]);
    expect(inside(run.imports, '/src/config/')).toEqual([]);
    expect(inside(run.imports, '/src/app/')).toEqual([]);
    // The query parser folds words with nlp/normalize.js; the analysis itself does not load.
    expect(inside(run.imports, '/src/nlp/analyze.js')).toEqual([]);
    expect(inside(run.imports, 'wink-nlp')).toEqual([]);
  });

  it('analyze loads the NLP, and analyses the line as before', () => {
    const run = traced(['analyze'], '{"text": "Love the new app, delivery was fast!"}\n');
    expect(run.code).toBe(0);
    expect(inside(run.imports, '/src/nlp/analyze.js')).toHaveLength(1);
    expect(inside(run.imports, '/src/config/')).toEqual([]);
    const out = JSON.parse(run.stdout) as { lang: string; sentiment: { label: string }; fields: Record<string, unknown> };
    expect(out.lang).toBe('en');
    expect(out.sentiment.label).toBe('positive');
    expect(Object.keys(out.fields).sort()).toEqual(['delivery', 'product']);
  });

  it('an unknown command is still a usage error', () => {
    const run = traced(['nosuch']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'nosuch'");
  });

  it("the table --help lists is what each command's module registers", async () => {
    const program = await buildProgram();
    const help = program.createHelp();
    const real = program.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: c.description() }));
    expect(COMMANDS.map(({ name, term, description }) => ({ name, term, description }))).toEqual(real);
  });
});

describe('lexicon YAML cache', () => {
  it('gives what the YAML parser gives, from the cache too, and parses again past a broken cache file', () => {
    const before = process.env.ECOUTE_CACHE_DIR;
    process.env.ECOUTE_CACHE_DIR = join(scratch, 'unit-cache');
    try {
      const expected = parse(readFileSync(lexiconPath('fields/en.yaml'), 'utf8')) as unknown;
      expect(readLexiconYaml('fields/en.yaml')).toEqual(expected); // parsed, then cached
      expect(readLexiconYaml('fields/en.yaml')).toEqual(expected); // from the cache
      const dir = join(scratch, 'unit-cache', 'lexicons');
      const [file] = readdirSync(dir).filter((f) => f.endsWith('.json'));
      writeFileSync(join(dir, file!), '{"truncated":');
      expect(readLexiconYaml('fields/en.yaml')).toEqual(expected);
    } finally {
      if (before === undefined) delete process.env.ECOUTE_CACHE_DIR;
      else process.env.ECOUTE_CACHE_DIR = before;
    }
  });
});
