// `ecoute dlq list|replay|drop` on the Kafka bus (the shared broker, a topic prefix of our own; the
// scenario is in dlq-flow.ts). Kafka cannot delete one record: a drop is remembered in
// data_dir/dead-letters.sqlite and the record stays on the topic.
import { afterAll, describe, expect, it } from 'vitest';
import { openBus } from '../../src/app/runtime.js';
import { loadConfig } from '../../src/config/load.js';
import { deleteKafkaPrefix, requireKafka } from '../helpers/services.js';
import { workspace } from '../helpers/cli.js';
import { dlqFlow } from './dlq-flow.js';

const brokers = await requireKafka();
const prefix = `dlq${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.`;

afterAll(async () => {
  if (!brokers) return;
  // Everything of this run's prefix goes: its topics and its consumer groups.
  await deleteKafkaPrefix(brokers, prefix);
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
