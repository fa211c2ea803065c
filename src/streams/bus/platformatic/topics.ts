// The bus's topics are created by the admin client at start, never auto-created: auto-creation races
// with leader election and would use the broker's partition count, not ours.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, ClusterMetadata } from '@platformatic/kafka';
import type { KafkaBusConfig } from '../kafka/config.js';
import type { Logger } from '../../../core/log.js';
import { hasApiError } from './errors.js';
import { topicConfigs } from '../kafka/topics.js';
import { EcouteError } from '../../../core/errors.js';

/** Creates the topics of `names` that are missing (idempotent) and waits until each partition has a leader. */
export async function ensureTopics(admin: Admin, config: KafkaBusConfig, names: string[], logger: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    try {
      // Compacted as the kafkajs bus creates them (erasure by tombstone; kafka/topics.ts).
      await admin.createTopics({ topics: missing, partitions: config.partitions, replicas: config.replication_factor, configs: topicConfigs(config) });
    } catch (error) {
      // Another process created some of them meanwhile: fine, the metadata check below waits for leaders.
      if (!hasApiError(error, ['TOPIC_ALREADY_EXISTS'], /already exists/i)) throw error;
    }
  }
  const metadata = await waitForLeaders(admin, names, config.request_timeout_ms);
  for (const name of names) {
    const count = metadata.topics.get(name)?.partitionsCount ?? 0;
    if (count !== config.partitions) {
      // Not changed here: adding partitions moves keys to other partitions (order per key breaks).
      logger.warn('kafka: topic exists with another partition count than configured; using it as it is', { topic: name, partitions: count, configured: config.partitions });
    }
  }
}

/** The topics' metadata once every partition of each has a leader. */
export async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<ClusterMetadata> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.metadata({ topics, forceUpdate: true });
      const ready = topics.every((name) => {
        const t = metadata.topics.get(name);
        return t !== undefined && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0);
      });
      if (ready) return metadata;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new EcouteError('BUS_UNAVAILABLE', `kafka: topics ${topics.join(', ')} have no leader after ${timeoutMs} ms`);
    await sleep(100);
  }
}
