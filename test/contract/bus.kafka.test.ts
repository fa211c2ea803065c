// The Bus contract against a real Kafka broker (127.0.0.1:19092 from `ecoute services up`, brought
// up when needed, or KAFKA_BROKERS), plus what only Kafka has: partitions, the admin side, crashes.
// Each bus gets a fresh random topic prefix (topics and groups), so tests never see each other's
// records; everything with this run's prefix is deleted at the end.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaBusSchema, type KafkaBusInput } from '../../src/streams/bus/kafka/config.js';
import { KafkaBus } from '../../src/streams/bus/kafka.js';
import type { ConsumedRecord } from '../../src/streams/bus/types.js';
import { requireKafka } from '../helpers/services.js';
import { busContract, partitionedBusContract } from './bus.contract.js';

const brokers = await requireKafka();
const run = `test.${Date.now().toString(36)}.${randomUUID().slice(0, 8)}.`;
let buses = 0;

function makeBus(overrides: Partial<KafkaBusInput> = {}): KafkaBus {
  return new KafkaBus(
    KafkaBusSchema.parse({
      type: 'kafka',
      brokers: (brokers ?? '').split(','),
      client_id: 'ecoute-test',
      topic_prefix: `${run}${++buses}.`,
      retry_backoff_ms: 50,
      ...overrides,
    }),
  );
}

if (!brokers) {
  describe.skip('Bus contract: kafka (no Kafka here: see the [services] message above)', () => {
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

  partitionedBusContract('kafka', async (partitions) => {
    const bus = makeBus({ partitions });
    await bus.start();
    return bus;
  });

  busContract('kafka', async () => {
    const bus = makeBus();
    await bus.start();
    return bus;
  });

  describe('Kafka bus', () => {
    it('creates the four topics with the configured partitions, idempotently', async () => {
      const bus = makeBus({ partitions: 2 });
      try {
        await bus.start();
        const again = new KafkaBus(bus.config);
        await again.start(); // same prefix: the topics exist already
        await again.close();
        const meta = await admin.fetchTopicMetadata({ topics: ['mentions.raw', 'mentions.analyzed', 'alerts', 'mentions.dlq'].map((t) => `${bus.config.topic_prefix}${t}`) });
        expect(meta.topics.map((t) => t.partitions.length)).toEqual([2, 2, 2, 2]);
        expect(Object.keys(await bus.endOffsets('alerts'))).toEqual(['0', '1']);
      } finally {
        await bus.close();
      }
    });

    it('spreads keys over partitions, one partition per key', async () => {
      const bus = makeBus();
      try {
        await bus.publish('mentions.raw', Array.from({ length: 30 }, (_, i) => ({ key: `key-${i % 6}`, value: String(i) })));
        const got = await bus.read('mentions.raw', {});
        expect(got).toHaveLength(30);
        const partitionsOfKey = new Map<string, Set<number>>();
        for (const r of got) partitionsOfKey.set(r.key, (partitionsOfKey.get(r.key) ?? new Set()).add(r.partition));
        expect([...partitionsOfKey.values()].every((s) => s.size === 1)).toBe(true);
        expect(new Set(got.map((r) => r.partition)).size).toBeGreaterThan(1);
        expect(got.every((r) => r.headers === undefined && r.timestamp > Date.now() - 60_000)).toBe(true);
      } finally {
        await bus.close();
      }
    });

    it('read() pages from given offsets with a limit, and leaves no consumer group behind', async () => {
      const bus = makeBus({ partitions: 1 });
      try {
        expect(await bus.read('mentions.dlq', {})).toEqual([]); // empty topic: returns at once
        await bus.publish('mentions.dlq', Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: String(i), headers: { i: String(i) } })));
        const page = await bus.read('mentions.dlq', { 0: 3 }, 4);
        expect(page.map((r: ConsumedRecord) => [r.offset, r.value, r.headers?.i])).toEqual([3, 4, 5, 6].map((i) => [i, String(i), String(i)]));
        expect((await bus.read('mentions.dlq', { 0: 8 })).map((r) => r.value)).toEqual(['8', '9']);
        expect(await bus.read('mentions.dlq', { 0: 10 })).toEqual([]);
        const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
        expect(groups.filter((g) => g.startsWith(`${bus.config.topic_prefix}read.`))).toEqual([]);
      } finally {
        await bus.close();
      }
    });

    it('two consumers share a group; when one leaves midway, the other finishes: nothing lost', async () => {
      const bus = makeBus();
      try {
        await bus.publish('mentions.raw', Array.from({ length: 600 }, (_, i) => ({ key: `key-${i % 12}`, value: String(i) })));
        const seen = new Map<number, number>();
        const handler = (who: string) => async (batch: ConsumedRecord[]) => {
          await new Promise((r) => setTimeout(r, 10));
          for (const r of batch) seen.set(Number(r.value), (seen.get(Number(r.value)) ?? 0) + 1);
          handledBy.add(who);
        };
        const handledBy = new Set<string>();
        const a = bus.consume('mentions.raw', 'g', handler('a'), { maxBatch: 10 });
        const b = bus.consume('mentions.raw', 'g', handler('b'), { maxBatch: 10 });
        const deadline = Date.now() + 30_000;
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
    });

    it('splits large publishes into several sends, in order', async () => {
      const bus = makeBus({ partitions: 1, produce_max_bytes: 2_000 });
      try {
        const records = Array.from({ length: 60 }, (_, i) => ({ key: 'same', value: JSON.stringify({ i, pad: 'x'.repeat(100) }) }));
        // Concurrent publishes are coalesced into shared sends; each resolves once acknowledged.
        await Promise.all([bus.publish('mentions.raw', records.slice(0, 30)), bus.publish('mentions.raw', records.slice(30))]);
        const got = await bus.read('mentions.raw', {});
        expect(got.map((r) => (JSON.parse(r.value) as { i: number }).i)).toEqual([...Array(60).keys()]);
      } finally {
        await bus.close();
      }
    });

    it('a consumer whose Kafka client fails for good ends with done rejected, not idle', async () => {
      // The broker refuses session timeouts under group.min.session.timeout.ms (6 s): a
      // non-retriable JoinGroup error, the same path as any crash kafkajs will not restart.
      const bus = makeBus({ session_timeout_ms: 1_000, heartbeat_interval_ms: 300 });
      try {
        const consumer = bus.consume('mentions.raw', 'g', async () => undefined);
        await expect(consumer.done).rejects.toThrow(/session timeout/i);
        await expect(consumer.done).rejects.toMatchObject({ name: 'EcouteError', code: 'BUS_UNAVAILABLE' });
        await consumer.close(); // still fine to call
      } finally {
        await bus.close();
      }
    });

    it('a bus that cannot reach its brokers rejects, and its consumers end rejected', async () => {
      const bus = makeBus({ brokers: ['127.0.0.1:1'], connection_timeout_ms: 200, request_timeout_ms: 1_000 });
      try {
        // Both wait on the same failing start (kafkajs retries the connection for about 10 s).
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
