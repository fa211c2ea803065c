// The bus's topics are created by the admin client at start, never auto-created: auto-creation
// races with leader election and would use the broker's partition count, not ours.
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs, { type Admin } from 'kafkajs';

// kafkajs is CommonJS: its enums are reached through the default export in Node's ESM.
const { ConfigResourceTypes } = kafkajs;
import type { KafkaBusConfig } from './config.js';
import type { Logger } from '../../../core/log.js';
import { errorMatches } from './errors.js';
import { EcouteError } from '../../../core/errors.js';

/**
 * Privacy (issue 14, gaps14): the configs of the topics created at start. Compacted, so that an
 * erasure's tombstones remove records (codec.ts says which keys collapse), and still deleted by
 * retention; the segment is rolled at the latest after erasure_max_lag_ms, so a tombstoned record
 * does not wait for a 1 GiB segment to fill. `topic_config` adds the operator's own.
 */
export function topicConfigs(config: KafkaBusConfig): { name: string; value: string }[] {
  const entries: Record<string, string> = { 'max.compaction.lag.ms': String(config.erasure_max_lag_ms), ...config.topic_config, 'cleanup.policy': 'compact,delete' };
  return Object.entries(entries).map(([name, value]) => ({ name, value }));
}

/**
 * The topics of `names` whose cleanup.policy has no `compact` (created before écoute compacted its
 * topics, or by an operator): a tombstone removes nothing from them. Not altered here: the topic
 * may not be écoute's alone, and compacting its old records (keyed without the unique suffix)
 * would collapse them. The bus warns, and an erasure counts what stays until retention.
 */
async function uncompacted(admin: Admin, names: string[]): Promise<string[]> {
  const described = await admin.describeConfigs({ resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['cleanup.policy'] })), includeSynonyms: false });
  return described.resources
    .filter((r) => !(r.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue ?? 'delete').split(',').map((p) => p.trim()).includes('compact'))
    .map((r) => r.resourceName);
}

/**
 * Creates the topics of `names` that are missing (idempotent) and waits until each partition has a
 * leader. Resolves with the topics that are not compacted (see uncompacted), after a warning naming each.
 */
export async function ensureTopics(admin: Admin, config: KafkaBusConfig, names: string[], logger: Logger): Promise<Set<string>> {
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        topics: missing.map((topic) => ({
          topic,
          numPartitions: config.partitions,
          replicationFactor: config.replication_factor,
          configEntries: topicConfigs(config),
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
  const plain = await uncompacted(admin, names);
  for (const topic of plain) {
    logger.warn(
      `kafka: topic ${topic} is not compacted (cleanup.policy without compact): an erasure's tombstones cannot remove its records, they stay until its retention; ` +
        `to let erasures delete, run: kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics --entity-name ${topic} --add-config 'cleanup.policy=[compact,delete]' (docs/privacy.md)`,
      { topic },
    );
  }
  return new Set(plain);
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
