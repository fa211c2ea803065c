// npm run bench:embedded — mentions per second through analyze + index in the embedded mode
// (SQLite bus and store), and peak RSS. Prints one JSON line.
//   N=50000 npm run bench:embedded
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/core/config/load.js';
import { mentionId } from '../src/core/ids.js';
import { silentLogger } from '../src/core/log.js';
import type { RawMention } from '../src/core/types.js';
import { openRuntime } from '../src/runtime.js';
import { startStages, waitUntilIndexed } from '../src/streams/pipeline.js';

const total = Number(process.env.N ?? 50_000);
const demo = fileURLToPath(new URL('../../config/demo/mentions.jsonl', import.meta.url));
const samples = readFileSync(demo, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { source: string; text: string; title?: string; lang?: string; published_at: string; author?: string });

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
    // Each text joins two demo mentions of the same language, so texts vary like real ones do
    // (the demo set repeated as is would be 99 % near-duplicates, which is not what a stream is).
    const s = samples[j % samples.length]!;
    const pool = s.lang === undefined ? samples : samples.filter((o) => o.lang === s.lang);
    const other = pool[(j * 7919 + 13) % pool.length]!;
    const mention: RawMention = {
      source: s.source,
      sourceId: `bench-${j}`,
      author: { id: s.author ?? 'anon', name: s.author ?? 'anon' },
      text: `${s.text} ${other.text}`,
      publishedAt: s.published_at,
      ...(s.title && { title: s.title }),
      ...(s.lang && { lang: s.lang }),
    };
    records.push({ key: mentionId(mention.source, mention.sourceId), value: JSON.stringify(mention) });
  }
  await runtime.bus.publish('mentions.raw', records);
}

const started = performance.now();
const stages = startStages(runtime, silentLogger);
await waitUntilIndexed(runtime, { pollMs: 20 });
const seconds = (performance.now() - started) / 1000;
await stages.stop();
const indexed = await runtime.store.count();
await runtime.close();
rmSync(dir, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify({
    bench: 'embedded',
    mentions: total,
    indexed,
    seconds: Math.round(seconds * 100) / 100,
    mentions_per_s: Math.round(total / seconds),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
  })}\n`,
);
