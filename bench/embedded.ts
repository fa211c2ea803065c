// npm run bench:embedded — mentions per second through analyze + index in the embedded mode
// (SQLite bus and store), and peak RSS. Prints one JSON line.
//   N=50000 npm run bench:embedded
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { mentionId } from '../src/core/ids.js';
import { silentLogger } from '../src/core/log.js';
import type { RawMention } from '../src/core/types.js';
import { openRuntime } from '../src/app/runtime.js';
import { runStages } from '../src/app/stages.js';
import { waitUntilIndexed } from '../src/streams/pipeline.js';

const total = Number(process.env.N ?? 50_000);
const demo = fileURLToPath(new URL('../../config/demo/mentions.jsonl', import.meta.url));
const samples = readFileSync(demo, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { source: string; text: string; title?: string; lang?: string; published_at: string; author?: string });

const byLang = new Map<string, typeof samples>();
for (const sample of samples) byLang.set(sample.lang ?? '', [...(byLang.get(sample.lang ?? '') ?? []), sample]);
// mulberry32: the same texts on every run.
let seed = 20261122;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const dir = mkdtempSync(join(tmpdir(), 'ecoute-bench-'));
const config = parseConfig(`
data_dir: ${dir}
brands:
  - { id: acme, name: Acme, query: 'acme OR "acme corp"' }
  - { id: globex, name: Globex, query: globex }
`);
const runtime = await openRuntime(config);

// Publish everything first, then time the stages alone: the figure is analyze + index throughput.
const batch = 1000;
for (let i = 0; i < total; i += batch) {
  const records = [];
  for (let j = i; j < Math.min(total, i + batch); j++) {
    // Each text is a demo mention with a third of its words swapped for words of another mention
    // of the same language: the length and vocabulary of real mentions, but texts that differ
    // (the demo set repeated as is would be all near-duplicates, which a real stream is not).
    const s = samples[Math.floor(random() * samples.length)]!;
    const pool = byLang.get(s.lang ?? '') ?? samples;
    const donor = pool[Math.floor(random() * pool.length)]!.text.split(/\s+/);
    const text = s.text
      .split(/\s+/)
      .map((word) => (random() < 0.33 ? donor[Math.floor(random() * donor.length)]! : word))
      .join(' ');
    const mention: RawMention = {
      source: s.source,
      sourceId: `bench-${j}`,
      author: { id: s.author ?? 'anon', name: s.author ?? 'anon' },
      text,
      publishedAt: s.published_at,
      ...(s.title && { title: s.title }),
      ...(s.lang && { lang: s.lang }),
    };
    records.push({ key: mentionId(mention.source, mention.sourceId), value: JSON.stringify(mention) });
  }
  await runtime.bus.publish('mentions.raw', records);
}

const started = performance.now();
const stages = runStages(runtime, silentLogger);
await waitUntilIndexed(runtime, { pollMs: 20 });
const seconds = (performance.now() - started) / 1000;
await stages.stop();
const indexed = await runtime.store.count({ duplicates: 'include' });
const nearDuplicates = await runtime.store.count({ duplicates: 'only' });
await runtime.close();
rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify({
    bench: 'embedded',
    mentions: total,
    indexed,
    near_duplicates: nearDuplicates,
    seconds: Math.round(seconds * 100) / 100,
    mentions_per_s: Math.round(total / seconds),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
  })}\n`,
);
