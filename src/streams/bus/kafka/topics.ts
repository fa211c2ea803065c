// The bus's topics are created by the admin client at start, never auto-created: auto-creation
// races with leader election and would use the broker's partition count, not ours.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import type { KafkaBusConfig } from './config.js';
import type { Logger } from '../../../core/log.js';
import { errorMatches } from './errors.js';
import { EcouteError } from '../../../core/errors.js';

/** Creates the topics of `names` that are missing (idempotent) and waits until each partition has a leader. */
export async function ensureTopics(admin: Admin, config: KafkaBusConfig, names: string[], logger: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        topics: missing.map((topic) => ({
          topic,
          numPartitions: config.partitions,
          replicationFactor: config.replication_factor,
        })),
        waitForLeaders: true,
      });
    } catch (error) {
      // Another process created some of them meanwhile: fine, the metadata check below waits for leaders.
      if (!errorMatches(error, /TOPIC_ALREADY_EXISTS|already exists/i)) throw error;
    }
  }
  const metadata = await waitForLeaders(admin, names, config.request_timeout_ms);
  for (const t of metadata.topics) {
    if (t.partitions.length !== config.partitions) {
      // Not changed here: adding partitions moves keys to other partitions (order per key breaks).
      logger.warn('kafka: topic exists with another partition count than configured; using it as it is', {
        topic: t.name,
        partitions: t.partitions.length,
        configured: config.partitions,
      });
    }
  }
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      if (metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return metadata;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new EcouteError('BUS_UNAVAILABLE', `kafka: topics ${topics.join(', ')} have no leader after ${timeoutMs} ms`);
    await sleep(100);
  }
}
