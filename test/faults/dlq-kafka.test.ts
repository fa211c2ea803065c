// `ecoute dlq list|replay|drop` on the Kafka bus (the shared broker, a topic prefix of our own; the
// scenario is in dlq-flow.ts). Kafka cannot delete one record: a drop is remembered in
// data_dir/dead-letters.sqlite and the record stays on the topic.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { openBus } from '../../src/app/runtime.js';
import { loadConfig } from '../../src/config/load.js';
import { requireKafka } from '../helpers/services.js';
import { workspace } from '../helpers/cli.js';
import { dlqFlow } from './dlq-flow.js';

const brokers = await requireKafka();
const prefix = `dlq${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.`;

afterAll(async () => {
  if (!brokers) return;
  // Everything of this run's prefix goes: its topics and its consumer groups.
  const admin = new Kafka({ clientId: 'ecoute-test-admin', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
  if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
});

describe.skipIf(!brokers)('ecoute dlq on the Kafka bus', () => {
  it('lists, replays once (a fixed file line, a stage input back to its topic), refuses truncated and repeated replays, drops', async () => {
    const ws = workspace();
    await dlqFlow(ws, `bus: { type: kafka, brokers: ['${brokers}'], topic_prefix: '${prefix}', partitions: 2 }`);
    // The dropped records are still on the topic (Kafka keeps them), only listed no more.
    const bus = openBus(loadConfig(ws.config));
    try {
      const records = await bus.read('mentions.dlq', {});
      expect(records.some((r) => (JSON.parse(r.value) as { truncated?: boolean }).truncated === true)).toBe(true);
    } finally {
      await bus.close();
    }
  }, 240_000);
});
