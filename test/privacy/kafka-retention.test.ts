// Privacy (issue 14, H4): retention on Kafka topics (the shared broker, this test's own topic
// prefix): privacyExpire cuts every partition at the offset of the cutoff time (DeleteRecords), so
// the records appended before it can no longer be read or replayed.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaBusSchema } from '../../src/streams/bus/kafka/config.js';
import { KafkaBus } from '../../src/streams/bus/kafka.js';
import { silentLogger } from '../../src/core/log.js';
import { requireKafka } from '../helpers/services.js';

const brokers = await requireKafka();

describe.skipIf(brokers === undefined)('retention on Kafka topics', () => {
  const prefix = `privacy14-ret-${randomBytes(4).toString('hex')}.`;
  afterAll(async () => {
    const admin = new Kafka({ brokers: (brokers ?? '').split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('deletes the records appended before the cutoff, keeps the later ones', async () => {
    const bus = new KafkaBus(KafkaBusSchema.parse({ type: 'kafka', brokers: (brokers ?? '').split(','), topic_prefix: prefix, partitions: 2 }), { logger: silentLogger });
    try {
      await bus.publish('mentions.raw', [1, 2, 3].map((i) => ({ key: `old-${i}`, value: JSON.stringify({ i }) })));
      // The cutoff: just after the last old record's timestamp; the read takes longer than 1 ms, so
      // the record published after it is stamped at or after the cutoff.
      const cutoff = Math.max(...(await bus.read('mentions.raw', {})).map((r) => r.timestamp)) + 1;
      await bus.publish('mentions.raw', [{ key: 'new-1', value: '{"i":4}' }]);
      expect(await bus.privacyExpire!('mentions.raw', cutoff)).toBeUndefined();
      const ends = await bus.endOffsets('mentions.raw');
      // Read from where each partition now starts (its log start offset).
      const admin = new Kafka({ brokers: (brokers ?? '').split(','), logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const starts = Object.fromEntries((await admin.fetchTopicOffsets(`${prefix}mentions.raw`)).map((o) => [o.partition, Number(o.low)]));
      await admin.disconnect();
      expect(Object.values(starts).reduce((a, b) => a + b, 0)).toBe(3);
      const left = await bus.read('mentions.raw', starts);
      expect(left.map((r) => r.key)).toEqual(['new-1']);
      expect(Object.values(ends).reduce((a, b) => a + b, 0)).toBe(4);
    } finally {
      await bus.close();
    }
  }, 120_000);
});
