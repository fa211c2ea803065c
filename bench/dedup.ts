// npm run bench:dedup — issue 15 (dedup16): near-duplicates across analyze workers, on real Kafka
// and Elasticsearch (`npx ecoute services up`). N raw mentions (default 10,000; 2 % of them
// near-copies of an earlier one, keyed at random so about half land on the other partition of a
// 2-partition raw topic) are analyzed by: 1 analyze worker with local fingerprints (the reference,
// one process seeing everything), 2 workers with local fingerprints, 1 and 2 workers with the
// shared fingerprints on Elasticsearch. For each: duplicates found, how many of the reference's
// (the same pairs, either way round), analyze-stage mentions/s and the CPU time. The workers run in this
// process (one event loop: the 2-worker rows measure what is found, not parallel speed); cpuSeconds
// is this process's, Elasticsearch's own CPU is not in it. Prints one JSON line.
//   N=10000 npm run bench:dedup
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { openBus } from '../src/app/runtime.js';
import { runStages } from '../src/app/stages.js';
import { parseConfig } from '../src/config/load.js';
import { mentionId } from '../src/core/ids.js';
import { silentLogger } from '../src/core/log.js';
import type { AnalyzedMention, RawMention } from '../src/core/types.js';
import { ELASTICSEARCH_URL, KAFKA_BROKER } from '../src/services/index.js';
import { ANALYZE_GROUP } from '../src/streams/analyze.js';
import { reached } from '../src/streams/bus/types.js';
import { copyOf, distinctTexts } from './dedup-texts.js';
import { seededRandom } from './demo-texts.js';

const total = Number(process.env.N ?? 10_000);
const copies = Math.round(total * 0.02);
const brokers = process.env.KAFKA_BROKERS ?? KAFKA_BROKER;
const node = process.env.ELASTICSEARCH_URL ?? ELASTICSEARCH_URL;
const stamp = Date.now().toString(36);
let runs = 0;

/** Originals, then each copy after its original at a random later place; keys at random. */
function dataset(): RawMention[] {
  const random = seededRandom(15);
  const texts = distinctTexts(total - copies, 5);
  const list: RawMention[] = texts.map((t, i) => ({ source: 'bench', sourceId: `o${i}`, author: { id: `u${i % 500}`, name: `User ${i % 500}` }, text: `Acme ${t}`, publishedAt: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString() }));
  for (let k = 0; k < copies; k++) {
    const of = Math.floor(random() * (texts.length / 2));
    const at = of + 1 + Math.floor(random() * (list.length - of - 1));
    list.splice(at, 0, { source: 'bench', sourceId: `c${k}`, author: { id: `v${k}`, name: `V ${k}` }, text: `Acme ${copyOf(texts[of]!, k)}`, publishedAt: new Date(Date.UTC(2026, 10, 2) + k * 1000).toISOString() });
  }
  return list;
}

async function waitMembers(groupId: string, members: number): Promise<void> {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    for (;;) {
      const [group] = (await admin.describeGroups([groupId])).groups;
      if (group?.state === 'Stable' && group.members.length === members) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

async function run(workers: number, store: 'local' | 'elasticsearch', data: RawMention[]) {
  const name = `dedup16b${stamp}r${++runs}${workers}${store[0]}`;
  const dirs = Array.from({ length: workers }, () => mkdtempSync(join(tmpdir(), 'dedup16-bench-')));
  const yaml = (dir: string) => `data_dir: ${dir}
bus: { type: kafka, brokers: ['${brokers}'], topic_prefix: '${name}.', partitions: 2 }
store: { type: elasticsearch, node: '${node}', index_prefix: '${name}-mentions' }
near_duplicates: { store: ${store} }
brands: [{ id: acme, name: Acme, query: acme }]
`;
  const configs = dirs.map((d) => parseConfig(yaml(d)));
  const control = openBus(configs[0]!);
  const buses = configs.map((c) => openBus(c));
  // Publish first, then time the analyze stage alone from the first worker's start.
  await control.publish('mentions.raw', data.map((m) => ({ key: mentionId(m.source, m.sourceId), value: JSON.stringify(m) })));
  const target = await control.endOffsets('mentions.raw');
  const cpu = process.cpuUsage();
  const started = Date.now();
  const stages = configs.map((config, i) => runStages({ config, bus: buses[i]!, authorKeySecret: 'bench' }, silentLogger, ['analyze']));
  if (workers > 1) await waitMembers(`${name}.${ANALYZE_GROUP}`, workers);
  while (!reached(await control.committedOffsets('mentions.raw', ANALYZE_GROUP), target)) await new Promise((r) => setTimeout(r, 100));
  const seconds = (Date.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  for (const s of stages) await s.stop();
  const duplicates = new Map<string, string>();
  for (const r of await control.read('mentions.analyzed', {})) {
    const m = JSON.parse(r.value) as AnalyzedMention;
    if (m.duplicateOf) duplicates.set(m.id, m.duplicateOf);
  }
  for (const b of buses) await b.close();
  await control.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (store === 'elasticsearch') {
    const client = new Client({ node });
    await client.indices.delete({ index: `${name}-mentions-fingerprints`, ignore_unavailable: true });
    await client.indices.deleteIndexTemplate({ name: `${name}-mentions-fingerprinting` }).catch(() => undefined);
    await client.close();
  }
  return { duplicates, mentionsPerSecond: Math.round(data.length / seconds), wallSeconds: Number(seconds.toFixed(2)), cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(2)) };
}

const data = dataset();
const load = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
const loadBefore = load();
await run(1, 'local', data.slice(0, 300)); // warm-up: lexicons, model, JIT
const reference = await run(1, 'local', data);
const rows: Record<string, unknown> = {};
// The same pairs, either way round: across partitions the copy may be analyzed before its original.
const same = (d: Map<string, string>) => [...reference.duplicates].filter(([id, of]) => d.get(id) === of || d.get(of) === id).length;
rows['1 process, local'] = { found: reference.duplicates.size, mentionsPerSecond: reference.mentionsPerSecond, cpuSeconds: reference.cpuSeconds };
for (const [workers, store] of [[2, 'local'], [1, 'elasticsearch'], [2, 'elasticsearch']] as const) {
  const r = await run(workers, store, data);
  rows[`${workers} worker${workers > 1 ? 's' : ''}, ${store === 'local' ? 'local' : 'shared (elasticsearch)'}`] = { found: r.duplicates.size, samePairsAsOneProcess: same(r.duplicates), mentionsPerSecond: r.mentionsPerSecond, cpuSeconds: r.cpuSeconds };
}
console.log(JSON.stringify({ bench: 'dedup', mentions: data.length, nearCopies: copies, partitions: 2, node: process.version, loadavg1m: { before: loadBefore, after: load() }, runs: rows }));
