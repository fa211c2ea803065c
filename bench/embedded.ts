// npm run bench:embedded — mentions per second through analyze + index in the embedded mode
// (SQLite bus and store), and peak RSS. Prints one JSON line.
//   N=50000 npm run bench:embedded
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { mentionId } from '../src/core/ids.js';
import { silentLogger } from '../src/core/log.js';
import type { RawMention } from '../src/core/types.js';
import { openRuntime } from '../src/app/runtime.js';
import { runStages } from '../src/app/stages.js';
import { waitUntilIndexed } from '../src/streams/pipeline.js';
import { demoSamples, seededRandom, variedSampler } from './demo-texts.js';

const total = Number(process.env.N ?? 50_000);
// The same texts on every run.
const nextText = variedSampler(demoSamples(), seededRandom(20261122));

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
    const { sample: s, text } = nextText();
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
