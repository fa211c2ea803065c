// Privacy (issue 14, H4), distributed mode (the shared Kafka and Elasticsearch, with this test's own
// topic and index prefixes): erase two people, replay every topic from offset 0 (their records are
// tombstoned but still in Kafka until the log cleaner runs, so the analyze and index stages drop
// them), re-run the connectors, re-ingest the file: nothing of theirs comes back, and their handles
// are in no document of any index of the prefix (_source included). Then (gaps14) the topics, made
// with a tiny segment.ms so that the broker's cleaner runs, are compacted: their handles and texts
// are in no record of any topic, read byte for byte from offset 0.
import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { requireElasticsearch, requireKafka } from '../helpers/services.js';
import { runErasureScenario } from './erase-scenario.js';
import { untilCompacted } from './kafka-raw.js';

const [brokers, url] = await Promise.all([requireKafka(), requireElasticsearch()]);

describe.skipIf(brokers === undefined || url === undefined)('privacy erase, Kafka + Elasticsearch', () => {
  const tag = randomBytes(4).toString('hex');
  const indexPrefix = `ecoute-test-privacy14-${tag}`;
  const topicPrefix = `privacy14-${tag}.`;
  const es = new Client({ node: url ?? 'http://127.0.0.1:19200' });
  const kafka = new Kafka({ brokers: (brokers ?? '127.0.0.1:19092').split(','), logLevel: logLevel.NOTHING });

  afterAll(async () => {
    const names = (await es.indices.resolveIndex({ name: `${indexPrefix}*` }).catch(() => ({ indices: [] }))).indices.map((i) => i.name);
    if (names.length > 0) await es.indices.delete({ index: names, ignore_unavailable: true }).catch(() => undefined);
    await es.close();
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('erases a person for good: nothing comes back, the handle is in no Elasticsearch document', async () => {
    const result = await runErasureScenario(
      `bus: { type: kafka, brokers: [${(brokers ?? '').split(',').map((b) => `'${b}'`).join(', ')}], topic_prefix: '${topicPrefix}', partitions: 2,
  topic_config: { 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': '100' } }
store: { type: elasticsearch, node: '${url}', index_prefix: ${indexPrefix}, refresh_on_write: wait_for }
privacy: { suppression_refresh_ms: 500 }`,
      async () => {
        // A replay: every stage group reads every topic again from the earliest offset.
        const admin = kafka.admin();
        await admin.connect();
        try {
          const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(topicPrefix) && !g.includes('.read.'));
          expect(groups.length).toBeGreaterThan(0);
          for (const groupId of groups) {
            const offsets = await admin.fetchOffsets({ groupId });
            for (const { topic } of offsets) await admin.resetOffsets({ groupId, topic, earliest: true });
          }
        } finally {
          await admin.disconnect();
        }
      },
    );
    const topics = (result.erasures[0] as { topics: Record<string, { deleted: number; rewritten: number; kept: number; atCompaction?: boolean }> }).topics;
    // Tombstoned (2 raw, 2 analyzed, 1 dead letter), the alert event rewritten; gone at compaction.
    expect(topics['mentions.raw']).toMatchObject({ deleted: 2, kept: 0, atCompaction: true });
    expect(topics['mentions.analyzed']).toMatchObject({ deleted: 2, kept: 0, atCompaction: true });
    expect(topics['mentions.dlq']).toMatchObject({ deleted: 1, kept: 0, atCompaction: true });
    expect(topics.alerts).toMatchObject({ deleted: 0, rewritten: 1, kept: 0 });

    await es.indices.refresh({ index: `${indexPrefix}*` });
    const indices = (await es.indices.resolveIndex({ name: `${indexPrefix}*` })).indices.map((i) => i.name);
    expect(indices.length).toBeGreaterThan(2);
    let documents = 0;
    for (const index of indices) {
      const r = await es.search({ index, size: 10_000, query: { match_all: {} } });
      documents += r.hits.hits.length;
      const text = JSON.stringify(r.hits.hits);
      for (const p of result.people) expect(text.includes(p.handle), `${p.handle} in ${index}`).toBe(false);
      for (const p of result.people) {
        const q = await es.count({ index, query: { query_string: { query: `"${p.handle}"`, default_field: '*', lenient: true } } });
        expect(q.count, `${p.handle} searchable in ${index}`).toBe(0);
      }
    }
    expect(documents).toBeGreaterThan(0);

    // The log cleaner takes their records out of every topic: no handle, no text of theirs is left.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const names = ['mentions.raw', 'mentions.analyzed', 'mentions.dlq', 'alerts'].map((t) => `${topicPrefix}${t}`);
      await untilCompacted(kafka, admin, names, 2, [...result.people.map((p) => p.handle), 'late again', 'answered fast', 'broke my order']);
    } finally {
      await admin.disconnect();
    }
    console.log(JSON.stringify({ erasures: result.erasures.map((e) => ({ store: e.store, topics: e.topics, alerts: e.alerts })) }));
  }, 590_000);
});
