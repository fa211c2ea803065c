// Issue 15, H7 (the Kafka client): which client library speaks to Kafka behind the Bus seam. One key
// of the Kafka bus configuration (`bus.client`); every other key of `bus` means the same for both.
import { z } from 'zod';

export const KafkaClientSchema = z
  .enum(['kafkajs', 'platformatic'])
  .default('kafkajs')
  .describe(
    'Kafka client library: kafkajs (the default: passes the whole Bus contract and the Kafka tests the longest) or @platformatic/kafka 1.x (maintained, same contract; see the README benchmark for the speed of each).',
  );

export type KafkaClient = z.output<typeof KafkaClientSchema>;
