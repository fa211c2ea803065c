// Issue 15, H7 (the Kafka client): the Bus contract against the real Kafka broker through
// @platformatic/kafka (`bus.client: platformatic`), plus what only Kafka has: partitions (the same
// as the kafkajs bus's for the same keys), read() without a group, the admin side, failures.
// Each bus gets a fresh random topic prefix; everything with this run's prefix is deleted at the end.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaBusSchema, type KafkaBusInput } from '../../src/streams/bus/kafka/config.js';
import { KafkaBus } from '../../src/streams/bus/kafka.js';
import { PlatformaticBus } from '../../src/streams/bus/platformatic/index.js';
import { topicLogBytes } from '../../src/streams/bus/platformatic/log-size.js';
import { compressionAvailable, type Compression } from '../../src/streams/bus/kafka/config.js';
import type { ConsumedRecord } from '../../src/streams/bus/types.js';
import { requireKafka } from '../helpers/services.js';
import { busContract, partitionedBusContract } from './bus.contract.js';

const brokers = await requireKafka();
const run = `test.plt.${Date.now().toString(36)}.${randomUUID().slice(0, 8)}.`;
let buses = 0;

function configFor(overrides: Partial<KafkaBusInput> = {}) {
  return KafkaBusSchema.parse({
    type: 'kafka',
    client: 'platformatic',
    brokers: (brokers ?? '').split(','),
    client_id: 'ecoute-test',
    topic_prefix: `${run}${++buses}.`,
    retry_backoff_ms: 50,
    ...overrides,
  });
}

const makeBus = (overrides: Partial<KafkaBusInput> = {}) => new PlatformaticBus(configFor(overrides));

if (!brokers) {
  describe.skip('Bus contract: kafka through @platformatic/kafka (no Kafka here: see the [services] message above)', () => {
    it('needs Kafka', () => undefined);
  });
} else {
  const admin = new Kafka({ clientId: 'ecoute-test-admin', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();

  afterAll(async () => {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(run));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(run));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  partitionedBusContract('kafka through @platformatic/kafka', async (partitions) => {
    const bus = makeBus({ partitions });
    await bus.start();
    return bus;
  });

  busContract('kafka through @platformatic/kafka', async () => {
    const bus = makeBus();
    await bus.start();
    return bus;
  });

  describe('Kafka bus through @platformatic/kafka', () => {
    it('the config selects it: bus.client is kafkajs unless set', () => {
      expect(KafkaBusSchema.parse({ type: 'kafka' }).client).toBe('kafkajs');
      expect(() => KafkaBusSchema.parse({ type: 'kafka', client: 'librdkafka' })).toThrow(/kafkajs|platformatic/);
    });

    it('creates the four topics with the configured partitions, idempotently', async () => {
      const bus = makeBus({ partitions: 2 });
      try {
        await bus.start();
        const again = new PlatformaticBus(bus.config);
        await again.start(); // same prefix: the topics exist already
        await again.close();
        const meta = await admin.fetchTopicMetadata({ topics: ['mentions.raw', 'mentions.analyzed', 'alerts', 'mentions.dlq'].map((t) => `${bus.config.topic_prefix}${t}`) });
        expect(meta.topics.map((t) => t.partitions.length)).toEqual([2, 2, 2, 2]);
        expect(Object.keys(await bus.endOffsets('alerts'))).toEqual(['0', '1']);
      } finally {
        await bus.close();
      }
    });

    it('puts each key on the partition the kafkajs bus does, so the two clients can share topics', async () => {
      const config = configFor({ partitions: 3 });
      const plt = new PlatformaticBus(config);
      const kjs = new KafkaBus(config);
      try {
        const records = Array.from({ length: 40 }, (_, i) => ({ key: `key-${i % 8}`, value: String(i) }));
        await plt.publish('mentions.raw', records);
        await kjs.publish('mentions.analyzed', records);
        const byPlt = await kjs.read('mentions.raw', {}); // written by one, read by the other
        const byKjs = await plt.read('mentions.analyzed', {});
        expect(byPlt).toHaveLength(40);
        const partitionOf = (got: ConsumedRecord[]) => Object.fromEntries(got.map((r) => [r.key, r.partition]));
        expect(partitionOf(byPlt)).toEqual(partitionOf(byKjs));
        expect(new Set(byPlt.map((r) => r.partition)).size).toBeGreaterThan(1);
        expect(byPlt.every((r) => r.headers === undefined && r.timestamp > Date.now() - 60_000)).toBe(true);
      } finally {
        await Promise.all([plt.close(), kjs.close()]);
      }
    });

    it('compresses with lz4 by default; each client reads the batches the other compressed, and they take less room', async () => {
      expect(KafkaBusSchema.parse({ type: 'kafka' }).compression).toBe('lz4');
      const codecs: Compression[] = ['none', 'lz4', 'gzip', ...(compressionAvailable('zstd') ? (['zstd'] as const) : [])];
      // Mention-like JSON values: compressible as real ones are (repeated field names, brand words).
      const records = Array.from({ length: 300 }, (_, i) => ({
        key: `m-${i}`,
        value: JSON.stringify({ id: `m-${i}`, source: 'twitter', lang: 'en', text: `Acme support answered in ${i} minutes, the Acme app is fine again`, author: `user${i % 40}` }),
      }));
      const bytes: Record<string, number> = {};
      for (const compression of codecs) {
        const config = configFor({ partitions: 1, compression });
        const plt = new PlatformaticBus(config);
        const kjs = new KafkaBus(config);
        try {
          await plt.publish('mentions.raw', records);
          await kjs.publish('mentions.analyzed', records);
          // Read by the other client, through read() and through a group consumer.
          expect((await kjs.read('mentions.raw', {})).map((r) => r.value)).toEqual(records.map((r) => r.value));
          expect((await plt.read('mentions.analyzed', {})).map((r) => r.value)).toEqual(records.map((r) => r.value));
          for (const [reader, topic] of [[kjs, 'mentions.raw'], [plt, 'mentions.analyzed']] as const) {
            const seen: string[] = [];
            const consumer = reader.consume(topic, `read-${compression}`, async (batch) => {
              seen.push(...batch.map((r) => r.value));
            });
            while (Object.values(await reader.committedOffsets(topic, `read-${compression}`)).reduce((a, b) => a + b, 0) < records.length) {
              await new Promise((r) => setTimeout(r, 50));
            }
            await consumer.close();
            expect(seen).toEqual(records.map((r) => r.value));
          }
          bytes[`plt.${compression}`] = await topicLogBytes(config, plt.topicName('mentions.raw'), 1);
          bytes[`kjs.${compression}`] = await topicLogBytes(config, kjs.topicName('mentions.analyzed'), 1);
        } finally {
          await Promise.all([plt.close(), kjs.close()]);
        }
      }
      for (const client of ['plt', 'kjs']) {
        for (const compression of codecs.filter((c) => c !== 'none')) {
          expect(bytes[`${client}.${compression}`], `${client} ${compression}: ${JSON.stringify(bytes)}`).toBeLessThan(0.6 * (bytes[`${client}.none`] ?? 0));
        }
      }
    }, 90_000);

    it('writes the Kafka keys the kafkajs bus writes (unique on alerts and dead letters, for compaction), and skips tombstones', async () => {
      const config = configFor({ partitions: 3 });
      const plt = new PlatformaticBus(config);
      const kjs = new KafkaBus(config);
      try {
        // Many records of one bus key on a compacted topic: all stay, in one partition, in order.
        const records = Array.from({ length: 12 }, (_, i) => ({ key: `brand-${i % 2}`, value: String(i) }));
        await plt.publish('alerts', records.slice(0, 6));
        await kjs.publish('alerts', records.slice(6));
        for (const got of [await plt.read('alerts', {}), await kjs.read('alerts', {})]) {
          expect(got.map((r) => r.key).sort()).toEqual(records.map((r) => r.key).sort());
          for (const key of ['brand-0', 'brand-1']) {
            const mine = got.filter((r) => r.key === key);
            expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
            expect(mine.sort((a, b) => a.offset - b.offset).map((r) => r.value)).toEqual(records.filter((r) => r.key === key).map((r) => r.value));
          }
        }
        // An erasure's tombstone (kafkajs bus) is skipped by the other client's read and consumer
        // (the record it names stays until the log cleaner runs: test/privacy/kafka-tombstones).
        await plt.publish('mentions.raw', [{ key: 'gone', value: 'x' }, { key: 'kept', value: 'y' }]);
        await kjs.privacyRewrite!('mentions.raw', (r) => (r.key === 'gone' ? 'delete' : 'keep'));
        const total = Object.values(await plt.endOffsets('mentions.raw')).reduce((a, b) => a + b, 0);
        expect(total).toBe(3); // the two records and the tombstone
        expect((await plt.read('mentions.raw', {})).map((r) => [r.key, r.value]).sort()).toEqual([['gone', 'x'], ['kept', 'y']]);
        const seen: string[] = [];
        const consumer = plt.consume('mentions.raw', 'tombstones', async (batch) => {
          seen.push(...batch.map((r) => r.key));
        });
        for (;;) {
          const done = Object.values(await plt.committedOffsets('mentions.raw', 'tombstones')).reduce((a, b) => a + b, 0);
          if (done >= total) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await consumer.close();
        expect(seen.sort()).toEqual(['gone', 'kept']); // committed past the tombstone, never handed it
      } finally {
        await Promise.all([plt.close(), kjs.close()]);
      }
    });

    it('read() pages from given offsets with a limit, and joins no consumer group', async () => {
      const bus = makeBus({ partitions: 1 });
      try {
        expect(await bus.read('mentions.dlq', {})).toEqual([]); // empty topic: returns at once
        await bus.publish('mentions.dlq', Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: String(i), headers: { i: String(i) } })));
        const page = await bus.read('mentions.dlq', { 0: 3 }, 4);
        expect(page.map((r: ConsumedRecord) => [r.offset, r.value, r.headers?.i])).toEqual([3, 4, 5, 6].map((i) => [i, String(i), String(i)]));
        expect((await bus.read('mentions.dlq', { 0: 8 })).map((r) => r.value)).toEqual(['8', '9']);
        expect(await bus.read('mentions.dlq', { 0: 10 })).toEqual([]);
        const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
        expect(groups.filter((g) => g.startsWith(bus.config.topic_prefix))).toEqual([]);
      } finally {
        await bus.close();
      }
    });

    it('marks a value that is not UTF-8 as unreadable instead of storing U+FFFD as text', async () => {
      const bus = makeBus({ partitions: 1 });
      const producer = new Kafka({ clientId: 'ecoute-test-raw', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).producer();
      try {
        await bus.start();
        await producer.connect();
        await producer.send({ topic: bus.topicName('mentions.raw'), messages: [{ key: 'k', value: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, { key: 'k', value: '{"ok":1}' }] });
        const got = await bus.read('mentions.raw', {});
        expect(got.map((r) => r.unreadable)).toEqual(['value is not valid UTF-8', undefined]);
      } finally {
        await producer.disconnect();
        await bus.close();
      }
    });

    it('two consumers share a group; when one leaves midway, the other finishes: nothing lost', async () => {
      const bus = makeBus();
      try {
        await bus.publish('mentions.raw', Array.from({ length: 600 }, (_, i) => ({ key: `key-${i % 12}`, value: String(i) })));
        const seen = new Map<number, number>();
        const handledBy = new Set<string>();
        const handler = (who: string) => async (batch: ConsumedRecord[]) => {
          await new Promise((r) => setTimeout(r, 10));
          for (const r of batch) seen.set(Number(r.value), (seen.get(Number(r.value)) ?? 0) + 1);
          handledBy.add(who);
        };
        const a = bus.consume('mentions.raw', 'g', handler('a'), { maxBatch: 10 });
        const b = bus.consume('mentions.raw', 'g', handler('b'), { maxBatch: 10 });
        const deadline = Date.now() + 60_000;
        while (seen.size < 150 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await a.close(); // b gets a's partitions, from a's last commit
        const end = await bus.endOffsets('mentions.raw');
        for (;;) {
          const committed = await bus.committedOffsets('mentions.raw', 'g');
          if (Object.entries(end).every(([p, o]) => (committed[Number(p)] ?? 0) >= o)) break;
          if (Date.now() > deadline) throw new Error(`not all committed: ${JSON.stringify({ committed, end })}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        await b.close();
        expect([...seen.keys()].sort((x, y) => x - y)).toEqual([...Array(600).keys()]);
        expect(handledBy.has('b')).toBe(true);
      } finally {
        await bus.close();
      }
    }, 90_000);

    it('privacyExpire cuts every partition at the records older than the cut-off (DeleteRecords)', async () => {
      const bus = makeBus({ partitions: 2 });
      try {
        await bus.publish('mentions.raw', Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: String(i) })));
        const end = await bus.endOffsets('mentions.raw');
        // A per-source cut is not something Kafka can do: nothing deleted, and it says so (undefined).
        expect(await bus.privacyExpire('mentions.raw', Date.now() + 60_000, 'rss')).toBeUndefined();
        expect(await bus.read('mentions.raw', {})).toHaveLength(6);
        await bus.privacyExpire('mentions.raw', Date.now() + 60_000);
        expect(await bus.read('mentions.raw', {})).toEqual([]);
        expect(await bus.endOffsets('mentions.raw')).toEqual(end); // offsets are never reused
        const low = await admin.fetchTopicOffsets(bus.topicName('mentions.raw'));
        expect(low.map((p) => [p.low, p.high])).toEqual(low.map((p) => [p.high, p.high]));
      } finally {
        await bus.close();
      }
    });

    it('splits large publishes into several sends, in order', async () => {
      const bus = makeBus({ partitions: 1, produce_max_bytes: 2_000 });
      try {
        const records = Array.from({ length: 60 }, (_, i) => ({ key: 'same', value: JSON.stringify({ i, pad: 'x'.repeat(100) }) }));
        await Promise.all([bus.publish('mentions.raw', records.slice(0, 30)), bus.publish('mentions.raw', records.slice(30))]);
        const got = await bus.read('mentions.raw', {});
        expect(got.map((r) => (JSON.parse(r.value) as { i: number }).i)).toEqual([...Array(60).keys()]);
      } finally {
        await bus.close();
      }
    });

    it('a consumer whose group join keeps failing ends with done rejected, not idle', async () => {
      // The broker refuses session timeouts under group.min.session.timeout.ms (6 s): every join fails.
      const bus = makeBus({ session_timeout_ms: 1_000, heartbeat_interval_ms: 300, max_restarts: 2 });
      try {
        const consumer = bus.consume('mentions.raw', 'g', async () => undefined);
        await expect(consumer.done).rejects.toMatchObject({ name: 'EcouteError', code: 'BUS_CONSUMER_CRASHED' });
        await expect(consumer.done).rejects.toThrow(/failed 3 times .*giving up: .*session timeout is not within the range/i);
        await consumer.close(); // still fine to call
      } finally {
        await bus.close();
      }
    });

    it('a bus that cannot reach its brokers rejects, and its consumers end rejected', async () => {
      const bus = makeBus({ brokers: ['127.0.0.1:1'], connection_timeout_ms: 200, request_timeout_ms: 1_000 });
      try {
        await Promise.all([
          expect(bus.endOffsets('mentions.raw')).rejects.toMatchObject({ name: 'EcouteError', code: 'BUS_UNAVAILABLE', retriable: true }),
          expect(bus.consume('mentions.raw', 'g', async () => undefined).done).rejects.toMatchObject({ name: 'EcouteError', code: 'BUS_UNAVAILABLE' }),
        ]);
      } finally {
        await bus.close();
      }
    }, 60_000);
  });
}
