// Issue 15: the bytes a topic takes on the brokers (DescribeLogDirs), so that the benchmark and the
// compression test can show what `bus.compression` saves. Read-only; the admin closes after.
import { createAdmin } from './client.js';
import type { KafkaBusConfig } from '../kafka/config.js';

/** Sum of every partition's log size (bytes, all brokers and log dirs) of the Kafka topic `topic`. */
export async function topicLogBytes(config: KafkaBusConfig, topic: string, partitions: number): Promise<number> {
  const admin = createAdmin(config);
  try {
    const brokers = await admin.describeLogDirs({ topics: [{ name: topic, partitions: [...Array(partitions).keys()] }] });
    let bytes = 0;
    for (const broker of brokers)
      for (const dir of broker.results)
        for (const t of dir.topics) if (t.name === topic) for (const p of t.partitions) bytes += Number(p.partitionSize);
    return bytes;
  } finally {
    await admin.close().catch(() => undefined);
  }
}
