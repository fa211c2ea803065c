// Issue 15 (dedup16): near-duplicates across analyze workers, end to end on real Kafka and
// Elasticsearch. Two analyze workers (two consumer-group members, each its own Kafka bus and its
// own connection to the shared fingerprints) on a raw topic of 2 partitions; every copy is keyed
// onto the other partition than its original. Each copy must be marked duplicateOf its original
// exactly as one process with the local (SQLite) fingerprints marks the same data.
import { Client } from '@elastic/elasticsearch';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBus } from '../../src/app/runtime.js';
import { runStages } from '../../src/app/stages.js';
import { fingerprintStoreKind } from '../../src/app/fingerprints.js';
import { parseConfig } from '../../src/config/load.js';
import { mentionId } from '../../src/core/ids.js';
import { silentLogger } from '../../src/core/log.js';
import type { AnalyzedMention, RawMention } from '../../src/core/types.js';
import { reached, type Bus } from '../../src/streams/bus/types.js';
import { ANALYZE_GROUP } from '../../src/streams/analyze.js';
import { NearDuplicateDetector, SqliteFingerprintStore } from '../../src/streams/near-duplicates/index.js';
import { copyOf, distinctTexts } from '../../bench/dedup-texts.js';
import { requireElasticsearch, requireKafka } from '../helpers/services.js';

const brokers = await requireKafka();
const elasticsearch = await requireElasticsearch();
const TEXTS = 40;
const partitionOf = Partitioners.DefaultPartitioner();
const partition = (key: string) => partitionOf({ topic: 'mentions.raw', partitionMetadata: [0, 1].map((p) => ({ partitionId: p, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] })), message: { key, value: '' } });
const raw = (sourceId: string, text: string, i: number): RawMention => ({
  source: 'bench',
  sourceId,
  author: { id: `u${i}`, name: `User ${i}` },
  text: `Acme ${text}`,
  publishedAt: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
});
const record = (m: RawMention) => ({ key: mentionId(m.source, m.sourceId), value: JSON.stringify(m) });

const dirs: string[] = [];
const prefixes: string[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (elasticsearch) {
    const client = new Client({ node: elasticsearch });
    for (const p of prefixes) {
      await client.indices.delete({ index: `${p}-fingerprints`, ignore_unavailable: true });
      await client.indices.deleteIndexTemplate({ name: `${p}-fingerprinting` }).catch(() => undefined);
    }
    await client.close();
  }
});

/** The data: originals on both partitions, then for each a copy keyed onto the other partition. */
function data(): { originals: RawMention[]; copies: RawMention[] } {
  const texts = distinctTexts(TEXTS, 99);
  const originals = texts.map((t, i) => raw(`o${i}`, t, i));
  const copies = texts.map((t, i) => {
    const home = partition(mentionId('bench', `o${i}`));
    let k = 0;
    while (partition(mentionId('bench', `c${i}-${k}`)) === home) k++;
    return raw(`c${i}-${k}`, copyOf(t, i), TEXTS + i);
  });
  return { originals, copies };
}

/** Until both workers are members of the analyze group with its partitions shared between them. */
async function waitBothMembers(groupId: string): Promise<void> {
  const admin = new Kafka({ brokers: [brokers!], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [group] = (await admin.describeGroups([groupId])).groups;
      if (group?.state === 'Stable' && group.members.length === 2) return;
      if (Date.now() > deadline) throw new Error(`the analyze group is ${group?.state} with ${group?.members.length} members`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

async function waitAnalyzed(bus: Bus): Promise<void> {
  const target = await bus.endOffsets('mentions.raw');
  const deadline = Date.now() + 90_000;
  while (!reached(await bus.committedOffsets('mentions.raw', ANALYZE_GROUP), target)) {
    if (Date.now() > deadline) throw new Error('the analyze workers did not reach the end of mentions.raw');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs two analyze workers over the data (originals first, copies once they are analyzed); duplicateOf by id. */
async function twoWorkers(store: 'local' | 'elasticsearch'): Promise<Record<string, string | undefined>> {
  const run = `dedup16${store[0]}${Date.now().toString(36)}`;
  const dirA = mkdtempSync(join(tmpdir(), 'dedup16-a-'));
  const dirB = mkdtempSync(join(tmpdir(), 'dedup16-b-'));
  dirs.push(dirA, dirB);
  prefixes.push(`${run}-mentions`);
  const yaml = (dir: string) => `data_dir: ${dir}
bus: { type: kafka, brokers: ['${brokers}'], topic_prefix: '${run}.', partitions: 2 }
store: { type: elasticsearch, node: '${elasticsearch}', index_prefix: '${run}-mentions' }
near_duplicates: { store: ${store} }
brands: [{ id: acme, name: Acme, query: acme }]
`;
  const [configA, configB] = [parseConfig(yaml(dirA)), parseConfig(yaml(dirB))];
  expect(fingerprintStoreKind(configA)).toBe(store);
  const [busA, busB, control] = [openBus(configA), openBus(configB), openBus(configA)];
  const workers = [runStages({ config: configA, bus: busA, authorKeySecret: 's' }, silentLogger, ['analyze']), runStages({ config: configB, bus: busB, authorKeySecret: 's' }, silentLogger, ['analyze'])];
  try {
    const { originals, copies } = data();
    // Topics exist once a worker started; wait until each worker holds one partition.
    await waitBothMembers(`${run}.${ANALYZE_GROUP}`);
    await control.publish('mentions.raw', originals.map(record));
    await waitAnalyzed(control);
    await control.publish('mentions.raw', copies.map(record));
    await waitAnalyzed(control);
    const analyzed = await control.read('mentions.analyzed', {});
    // Both partitions carried records, so both workers had their share.
    expect(new Set(analyzed.map((r) => r.partition)).size).toBe(2);
    const out: Record<string, string | undefined> = {};
    for (const r of analyzed) {
      const m = JSON.parse(r.value) as AnalyzedMention;
      out[m.id] = m.duplicateOf;
    }
    return out;
  } finally {
    for (const w of workers) await w.stop();
    await busA.close();
    await busB.close();
    await control.close();
  }
}

/** One process, local fingerprints, the same data in the same order. */
async function singleProcess(): Promise<Record<string, string | undefined>> {
  const { originals, copies } = data();
  const detector = new NearDuplicateDetector(new SqliteFingerprintStore(':memory:'));
  const out: Record<string, string | undefined> = {};
  for (const batch of [originals, copies]) {
    const mentions = batch.map((m) => ({ id: mentionId(m.source, m.sourceId), text: m.text, brands: ['acme'] }) as unknown as AnalyzedMention);
    await detector.mark(mentions);
    for (const m of mentions) out[m.id] = m.duplicateOf;
  }
  return out;
}

describe.skipIf(!brokers || !elasticsearch)('near-duplicates across two analyze workers (Kafka, 2 partitions; fingerprints on Elasticsearch)', () => {
  it('marks every copy duplicateOf its original, as one process does, though copies and originals are on different partitions', async () => {
    const expected = await singleProcess();
    expect(Object.values(expected).filter(Boolean)).toHaveLength(TEXTS);
    const shared = await twoWorkers('elasticsearch');
    expect(shared).toEqual(expected);
  }, 180_000);

  it('with local fingerprints (the embedded default) the same two workers miss the copies analyzed by the other worker', async () => {
    const local = await twoWorkers('local');
    const found = Object.values(local).filter(Boolean).length;
    expect(found).toBeLessThan(TEXTS);
  }, 180_000);
});
