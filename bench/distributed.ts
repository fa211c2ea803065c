// npm run bench:distributed — the distributed pipeline on real Kafka and Elasticsearch (start them
// with `npx ecoute services up`): N mentions (default 100,000) published to Kafka, analyzed and
// indexed by worker processes (ANALYZE_WORKERS analyze workers, default 2, and one index worker),
// until searchable. Then, in the same run, the same analyzed documents written straight to
// Elasticsearch with bulk requests: the ceiling of this machine. Prints one JSON line.
//   N=100000 ANALYZE_WORKERS=2 npm run bench:distributed
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { mentionId } from '../src/core/ids.js';
import type { RawMention } from '../src/core/types.js';
import { openBus, openStore } from '../src/app/runtime.js';
import { analyzeMention } from '../src/streams/analyze.js';
import { brandMatcher } from '../src/streams/brands.js';
import { ELASTICSEARCH_URL, KAFKA_BROKER } from '../src/services/index.js';

const total = Number(process.env.N ?? 100_000);
const analyzeWorkers = Number(process.env.ANALYZE_WORKERS ?? 2);
const brokers = process.env.KAFKA_BROKERS ?? KAFKA_BROKER;
const node = process.env.ELASTICSEARCH_URL ?? ELASTICSEARCH_URL;
const root = fileURLToPath(new URL('../../', import.meta.url));
const run = `bench${Date.now().toString(36)}`;
const dir = mkdtempSync(join(tmpdir(), 'ecoute-bench-dist-'));

const yaml = (prefix: string) => `data_dir: ${dir}
bus: { type: kafka, brokers: ['${brokers}'], topic_prefix: '${prefix}.', partitions: 3 }
store: { type: elasticsearch, node: '${node}', index_prefix: '${prefix}-mentions' }
brands:
  - { id: acme, name: Acme, query: 'acme OR "acme corp"' }
  - { id: globex, name: Globex, query: globex }
`;
const configFile = join(dir, 'ecoute.yaml');
writeFileSync(configFile, yaml(run));
const config = parseConfig(yaml(run));

// Demo texts with a unique probe word appended, so each mention can be found by search.
const samples = readFileSync(join(root, 'config/demo/mentions.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { source: string; text: string; title?: string; lang?: string; published_at: string; author?: string });
const probeWord = (i: number) => `probe${i.toString(36)}x`;
const mentionAt = (i: number): RawMention => {
  const s = samples[i % samples.length]!;
  return {
    source: s.source,
    sourceId: `bench-${i}`,
    author: { id: s.author ?? 'anon', name: s.author ?? 'anon' },
    text: `${s.text} ${probeWord(i)}`,
    publishedAt: s.published_at,
    ...(s.title && { title: s.title }),
    ...(s.lang && { lang: s.lang }),
  };
};

function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

const bus = openBus(config);
const store = await openStore(config);
const workers: { role: string; child: ChildProcess }[] = [];
const startWorker = (role: string) => {
  const child = spawn(process.execPath, [join(root, 'bin/ecoute.js'), 'worker', role, '-c', configFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  workers.push({ role, child });
};
for (let i = 0; i < analyzeWorkers; i++) startWorker('analyze');
startWorker('index');
await bus.endOffsets('mentions.raw'); // creates the topics before the clock starts
await new Promise((r) => setTimeout(r, 3000)); // consumer groups join

// Probes: every 500th mention; its publish time and the first time a search finds it.
const probes = new Map<number, { sent: number; found?: number }>();
const started = performance.now();
const publishing = (async () => {
  for (let i = 0; i < total; i += 1000) {
    const batch = [];
    const now = performance.now();
    for (let j = i; j < Math.min(total, i + 1000); j++) {
      const m = mentionAt(j);
      if (j % 500 === 0) probes.set(j, { sent: now });
      batch.push({ key: mentionId(m.source, m.sourceId), value: JSON.stringify(m) });
    }
    await bus.publish('mentions.raw', batch);
  }
})();
let published = false;
void publishing.then(() => (published = true));
for (;;) {
  const waiting = [...probes].filter(([, p]) => p.found === undefined);
  for (const [i, p] of waiting.slice(0, 20)) {
    if ((await store.count({ query: probeWord(i), duplicates: 'include' })) > 0) p.found = performance.now();
  }
  if (published && waiting.length === 0 && (await store.count({ duplicates: 'include' })) >= total) break;
  await new Promise((r) => setTimeout(r, 100));
}
const pipelineSeconds = (performance.now() - started) / 1000;
const rss = Object.fromEntries(workers.map((w, i) => [`${w.role}_${i}`, peakRssMb(w.child.pid)]));
for (const { child } of workers) child.kill('SIGTERM');
await Promise.all(workers.map(({ child }) => new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))));
const latencies = [...probes.values()].map((p) => (p.found ?? Number.NaN) - p.sent).sort((a, b) => a - b);
const pct = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);

// The ceiling: the same analyzed documents written straight to Elasticsearch.
const ceilingConfig = parseConfig(yaml(`${run}c`));
const ceilingStore = await openStore(ceilingConfig);
const matchBrands = brandMatcher(config.brands);
const analyzed = Array.from({ length: total }, (_, i) => analyzeMention(mentionAt(i), { languages: ['en', 'fr'], matchBrands, authorKeySecret: 'bench' }));
const bulkStart = performance.now();
for (let i = 0; i < total; i += 1000) await ceilingStore.upsert(analyzed.slice(i, i + 1000));
const bulkSeconds = (performance.now() - bulkStart) / 1000;

await bus.close();
await store.close();
await ceilingStore.close();
rmSync(dir, { recursive: true, force: true });
const pipelinePerS = Math.round(total / pipelineSeconds);
const bulkPerS = Math.round(total / bulkSeconds);
process.stdout.write(
  `${JSON.stringify({
    bench: 'distributed',
    mentions: total,
    partitions: 3,
    analyze_workers: analyzeWorkers,
    index_workers: 1,
    pipeline_seconds: Math.round(pipelineSeconds * 10) / 10,
    pipeline_mentions_per_s: pipelinePerS,
    latency_ms_p50: pct(0.5),
    latency_ms_p95: pct(0.95),
    peak_rss_mb: rss,
    es_bulk_direct_docs_per_s: bulkPerS,
    ratio_pipeline_to_bulk: Math.round((pipelinePerS / bulkPerS) * 100) / 100,
    note: `indices ${run}-mentions-* and ${run}c-mentions-* and topics ${run}.* are left for inspection`,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
  })}\n`,
);
