// BENCH_DATA_DIR=/some/dir: the embedded benchmarks keep their SQLite store there (one file per
// data set) and reuse it on the next run when it already holds the N mentions, instead of loading a
// million mentions (minutes) every time. Without it, a temporary directory removed at the end.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MentionStore } from '../src/store/types.js';
import type { ElasticsearchMentionStore } from '../src/store/elasticsearch/store.js';

export interface BenchStoreFile {
  file: string;
  /** True when the file is kept (BENCH_DATA_DIR): not removed at the end. */
  kept: boolean;
  /** Removes the temporary directory (nothing when kept). */
  cleanup(): void;
}

/** Where a benchmark's embedded store lives: `name` says which data set (and its size). */
export function benchStoreFile(name: string): BenchStoreFile {
  const keep = process.env.BENCH_DATA_DIR;
  if (keep) {
    mkdirSync(keep, { recursive: true });
    return { file: join(keep, `${name}.sqlite`), kept: true, cleanup: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), `ecoute-bench-${name}-`));
  return { file: join(dir, 'store.sqlite'), kept: false, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Whether a kept store already holds `n` mentions (then loading is skipped); false for a new file. */
export async function alreadyLoaded(store: MentionStore, kept: BenchStoreFile, n: number): Promise<boolean> {
  if (!kept.kept) return false;
  const count = await store.count({ duplicates: 'include' });
  if (count === n) {
    process.stderr.write(`  reusing ${kept.file}: ${count} mentions already loaded\n`);
    return true;
  }
  if (count > 0) throw new Error(`BENCH_DATA_DIR: ${kept.file} holds ${count} mentions, not ${n}: remove it or use another directory`);
  return false;
}



/** es16: the Elasticsearch store's closed months merged (mergeClosedMonths), timed; months merged and seconds. */
export async function mergeMonths(store: ElasticsearchMentionStore): Promise<{ indices: number; seconds: number }> {
  const t = performance.now();
  const merged = await store.mergeClosedMonths();
  const seconds = Math.round((performance.now() - t) / 100) / 10;
  if (merged.length > 0) process.stderr.write(`  merged ${merged.length} closed months in ${seconds} s\n`);
  return { indices: merged.length, seconds };
}
