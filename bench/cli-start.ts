// npm run bench:cli — how fast the `ecoute` command starts, and `ecoute analyze` as a whole
// process against a process that calls wink-nlp alone on the same texts (issue 15, "The command
// line"). Prints one JSON line:
//  - start_ms: per command, the median of RUNS (default 5) wall times of a fresh `node
//    bin/ecoute.js ...` process, from spawn to exit: `--version`, `search --help`, and `analyze` of
//    one English line on stdin;
//  - analyze: 12,284 tweets (the tweet sets of the shared labelled data: umsab en and fr,
//    vader_tweets, tweeteval_val, then airline_tweets up to 12,284) as JSONL, through `ecoute
//    analyze <file>` and through dist/bench/wink-alone.js; each the best of 3 whole-process wall
//    times; ratio = wink's time / écoute's (1 = as fast as wink alone; target ≥ 0.5).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listSets, sentimentDataDir } from '../src/nlp/sentiment/dataset.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TWEETS = 12_284;
const START_TARGET_MS = 400;
const RATIO_TARGET = 0.5;

// dist/bench/ once built: the package root is two levels up.
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const bin = join(root, 'bin', 'ecoute.js');
const winkAlone = join(here, 'wink-alone.js');
const scratch = mkdtempSync(join(tmpdir(), 'ecoute-bench-cli-'));

/** Wall time of one fresh process, in ms; a failing process fails the bench. */
function timed(args: string[], input?: string): number {
  const t0 = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: scratch, input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const COMMANDS: Record<string, { args: string[]; input?: string }> = {
  version: { args: ['--version'] },
  search_help: { args: ['search', '--help'] },
  analyze_one_line: { args: ['analyze'], input: '{"text": "Love the new app, delivery was fast!"}\n' },
};

try {
  const startMs: Record<string, number> = {};
  for (const [name, { args, input }] of Object.entries(COMMANDS)) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(timed([bin, ...args], input));
    startMs[name] = Math.round(median(times));
  }

  const order = ['umsab_en_train', 'umsab_en_val', 'vader_tweets', 'umsab_fr_train', 'umsab_fr_val', 'tweeteval_val', 'airline_tweets'];
  const sets = listSets(sentimentDataDir());
  const texts = order.flatMap((name) => sets.find((s) => s.name === name)?.examples.map((e) => e.text) ?? []).slice(0, TWEETS);
  if (texts.length < TWEETS) throw new Error(`only ${texts.length} tweets found in ${sentimentDataDir()}`);
  const file = join(scratch, 'tweets.jsonl');
  writeFileSync(file, `${texts.map((text) => JSON.stringify({ text })).join('\n')}\n`);
  const best = (args: string[]): number => Math.min(...[0, 1, 2].map(() => timed(args)));
  const ecouteMs = best([bin, 'analyze', file]);
  const winkMs = best([winkAlone, file]);
  const ratio = Math.round((winkMs / ecouteMs) * 100) / 100;

  process.stdout.write(
    `${JSON.stringify({
      bench: 'cli',
      node: process.version,
      runs: RUNS,
      start_ms: startMs,
      analyze: { tweets: TWEETS, ecoute_ms: Math.round(ecouteMs), wink_alone_ms: Math.round(winkMs), ratio },
      targets: { start_ms: START_TARGET_MS, ratio: RATIO_TARGET },
      met: Object.values(startMs).every((ms) => ms <= START_TARGET_MS) && ratio >= RATIO_TARGET,
      loadavg_1m: Math.round(loadavg()[0]! * 100) / 100,
    })}\n`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
