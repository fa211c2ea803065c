// Privacy (issue 14, gaps14): on Kafka an erasure deletes. The shared broker, this test's own topic
// prefix; the topics get a tiny segment.ms, min.cleanable.dirty.ratio and delete.retention.ms so
// that the broker's log cleaner really runs during the test. A person's records are on every topic
// (two versions of a raw mention, the analyzed mention, a dead letter with their input, an alert
// event showing them among the examples) beside another person's; the erasure's tombstones and the
// rewritten event go in; once the cleaner compacted, the handle and the text are in no record of
// any topic read from offset 0 (key, value and headers), the other person's records all stay (the
// dead letter with the same `file:line` key too), the rewritten event is in its brand's partition,
// and a consumer group and read() never see a tombstone. A topic made before, without compaction,
// is named in a warning at start, and the erasure says its records stay until retention.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaBusSchema } from '../../src/streams/bus/kafka/config.js';
import { KafkaBus } from '../../src/streams/bus/kafka.js';
import type { ConsumedRecord, Topic } from '../../src/streams/bus/types.js';
import { reached, TOPICS } from '../../src/streams/bus/types.js';
import { decideFor } from '../../src/privacy/erase.js';
import { authorKey } from '../../src/core/ids.js';
import { silentLogger, type Logger } from '../../src/core/log.js';
import { requireKafka } from '../helpers/services.js';
import { untilCompacted } from './kafka-raw.js';

const brokers = await requireKafka();

function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger: Logger & { lines: string[] } = {
    ...silentLogger,
    lines,
    warn: (message: string) => void lines.push(message),
    child: () => logger,
  } as Logger & { lines: string[] };
  return logger;
}

describe.skipIf(brokers === undefined)('erasure on Kafka: tombstones on compacted topics', () => {
  const tag = randomBytes(4).toString('hex');
  const prefix = `privacy14-tomb-${tag}.`;
  const oldPrefix = `privacy14-old-${tag}.`;
  const kafka = new Kafka({ brokers: (brokers ?? '').split(','), logLevel: logLevel.NOTHING });
  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix) || t.startsWith(oldPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('removes the person from every topic once compacted; keeps everyone else; consumers never see a tombstone', async () => {
    const bus = new KafkaBus(
      KafkaBusSchema.parse({
        type: 'kafka',
        brokers: (brokers ?? '').split(','),
        topic_prefix: prefix,
        partitions: 2,
        topic_config: { 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': '100', 'min.compaction.lag.ms': '0' },
      }),
      { logger: silentLogger },
    );
    const admin = kafka.admin();
    await admin.connect();
    try {
      const handle = `zq7-handle-${tag}`;
      const text = `zq7 private grievance ${tag}`;
      const key = authorKey('secret', 'crm', handle);
      const person = { source: 'crm', handle, authorKey: key };
      const theirs = `a${tag}`.padEnd(32, '0');
      const other = `b${tag}`.padEnd(32, '0');
      const raw = (id: string, author: string, body: string) => ({ key: id, value: JSON.stringify({ source: 'crm', sourceId: id, author: { id: author, name: author }, text: body, publishedAt: '2026-11-30T10:00:00Z' }) });
      await bus.publish('mentions.raw', [raw(theirs, handle, text), raw(other, `other-${tag}`, 'Acme is fine')]);
      await bus.publish('mentions.raw', [raw(theirs, handle, `${text} (edited)`)]);
      await bus.publish('mentions.analyzed', [
        { key: theirs, value: JSON.stringify({ id: theirs, authorKey: key, source: 'crm', text }) },
        { key: other, value: JSON.stringify({ id: other, authorKey: 'someone-else', source: 'crm', text: 'Acme is fine' }) },
      ]);
      // Two dead letters with the same bus key (the same file line, two ingests): only theirs goes.
      const letter = (input: string) => ({ key: 'in.jsonl:4', value: JSON.stringify({ stage: 'connector', code: 'MENTION_INVALID', reason: 'text: required', origin: { file: 'in.jsonl', line: 4 }, input, at: '2026-11-30T10:00:00Z' }) });
      await bus.publish('mentions.dlq', [letter(JSON.stringify({ source: 'crm', id: 'x', author: handle, note: text })), letter(JSON.stringify({ source: 'crm', id: 'y', author: `other-${tag}` }))]);
      const example = (id: string, body: string) => ({ id, source: 'crm', publishedAt: '2026-11-30T10:00:00Z', text: body, sentiment: -0.5, lang: 'en' });
      const event = (n: number, examples: unknown[]) => ({ key: 'acme', value: JSON.stringify({ key: `inc-${tag}:opened:${n}`, kind: 'opened', incident: { id: `inc-${tag}`, brand: 'acme' }, alert: { id: `alert-${n}`, explanation: { examples } } }), headers: { 'ecoute-key': `inc-${tag}:opened:${n}` } });
      await bus.publish('alerts', [event(1, [example(theirs, text), example(other, 'Acme is fine')]), event(2, [example(other, 'Acme is fine')])]);
      const alertPartition = (await bus.read('alerts', {}))[0]!.partition;

      // The erasure, twice (the erase's second sweep): the second pass finds nothing new.
      const counts: Record<string, unknown> = {};
      for (let pass = 0; pass < 2; pass++) {
        const ids = new Set<string>();
        for (const topic of TOPICS) counts[`${pass}:${topic}`] = await bus.privacyRewrite!(topic, decideFor(topic, person, ids));
      }
      expect(counts['0:mentions.raw']).toEqual({ deleted: 2, rewritten: 0, eventual: true, kept: 0 });
      expect(counts['0:mentions.analyzed']).toEqual({ deleted: 1, rewritten: 0, eventual: true, kept: 0 });
      expect(counts['0:mentions.dlq']).toEqual({ deleted: 1, rewritten: 0, eventual: true, kept: 0 });
      expect(counts['0:alerts']).toEqual({ deleted: 0, rewritten: 1, eventual: true, kept: 0 });
      for (const topic of TOPICS) expect(counts[`1:${topic}`], topic).toEqual({ deleted: 0, rewritten: 0, eventual: true, kept: 0 });

      // The log cleaner: a segment rolls at an append (segment.ms is 100 ms), so kafka-raw.ts appends
      // an invisible tombstone of a dummy key to every partition until the records are gone.
      await untilCompacted(kafka, admin, TOPICS.map((t) => bus.topicName(t)), 2, [handle, text]);

      // Everyone else stays; the rewritten event is in the brand's partition, without their example.
      const rawLeft = await bus.read('mentions.raw', {});
      expect(rawLeft.map((r) => r.key)).toEqual([other]);
      expect((await bus.read('mentions.analyzed', {})).map((r) => r.key)).toEqual([other]);
      const letters = await bus.read('mentions.dlq', {});
      expect(letters.map((r) => r.key)).toEqual(['in.jsonl:4']);
      expect(letters[0]!.value).toContain(`other-${tag}`);
      const events = await bus.read('alerts', {});
      expect(events.map((r) => r.key)).toEqual(['acme', 'acme']);
      expect(new Set(events.map((r) => r.partition))).toEqual(new Set([alertPartition]));
      const shown = events.map((r) => (JSON.parse(r.value) as { alert: { id: string; explanation: { examples: { id: string }[] } } }).alert);
      expect(shown.map((a) => [a.id, a.explanation.examples.map((e) => e.id)]).sort()).toEqual([['alert-1', [other]], ['alert-2', [other]]]);
      for (const r of [...rawLeft, ...letters, ...events]) expect(r.value).not.toBe('');

      // A consumer group from offset 0: the other mention only, no tombstone, committed past all of them.
      const seen: ConsumedRecord[] = [];
      const consumer = bus.consume('mentions.raw', 'tomb-check', async (batch) => void seen.push(...batch));
      const end = await bus.endOffsets('mentions.raw');
      while (!reached(await bus.committedOffsets('mentions.raw', 'tomb-check'), end)) await sleep(200);
      await consumer.close();
      expect(seen.map((r) => r.key)).toEqual([other]);
    } finally {
      await admin.disconnect();
      await bus.close();
    }
  }, 170_000);

  it('names a topic without compaction at start; the erasure says its records stay until retention', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const plain = `${oldPrefix}mentions.raw`;
    await admin.createTopics({ topics: [{ topic: plain, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const logger = capture();
    const bus = new KafkaBus(KafkaBusSchema.parse({ type: 'kafka', brokers: (brokers ?? '').split(','), topic_prefix: oldPrefix, partitions: 1 }), { logger });
    try {
      await bus.start();
      const warned = logger.lines.filter((l) => l.includes('not compacted'));
      expect(warned).toHaveLength(1);
      expect(warned[0]).toContain(plain);
      const person = { source: 'crm', handle: 'h', authorKey: authorKey('s', 'crm', 'h') };
      await bus.publish('mentions.raw', [{ key: 'f'.repeat(32), value: JSON.stringify({ source: 'crm', sourceId: '1', author: { id: 'h', name: 'h' }, text: 't' }) }]);
      const result = await bus.privacyRewrite!('mentions.raw' as Topic, decideFor('mentions.raw', person, new Set()));
      expect(result).toEqual({ deleted: 1, rewritten: 0, eventual: true, kept: 1 });
    } finally {
      await bus.close();
    }
  }, 60_000);
});
