// Reading a range of a topic without committing anything (Bus.read: the CLI, replay, tests).
// kafkajs has no manual partition assignment, so this joins a throwaway group that this sole
// member owns whole, seeks every partition, reads up to the end offsets, and deletes the group.
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { KafkaBusConfig } from './config.js';
import type { Logger } from '../../../core/log.js';
import type { ConsumedRecord, Offsets, Topic } from '../types.js';
import { consumerSettings } from './client.js';
import { isTombstone, toConsumed } from './codec.js';
import { errorMatches } from './errors.js';
import { EcouteError } from '../../../core/errors.js';

export interface ReadContext {
  readonly kafka: Kafka;
  readonly config: KafkaBusConfig;
  readonly logger: Logger;
  /** The bus's admin client, to delete the throwaway group (throws once the bus is closed). */
  admin(): Admin;
  groupId(group: string): string;
}

export interface ReadRequest {
  topic: Topic;
  /** Its Kafka name. */
  name: string;
  /** Per partition, where to start (0 where missing). */
  from: Offsets;
  /** Per partition, where to stop (exclusive): the high watermarks as of the call. */
  ends: Offsets;
  limit: number;
  /** Privacy (issue 14, gaps14): also hand back tombstones (value `''`, `tombstone: true`), for privacyRewrite. */
  tombstones?: boolean;
}

/** A record read, with what only the Kafka bus needs: its Kafka key (codec.ts) and whether it is a tombstone. */
export interface KafkaReadRecord extends ConsumedRecord {
  kafkaKey: string;
  tombstone: boolean;
}

/** The records of `from` … `ends`, at most `limit`, by partition then offset. */
export async function readRange(ctx: ReadContext, { topic, name, from, ends, limit, tombstones = false }: ReadRequest): Promise<KafkaReadRecord[]> {
  const starts: Record<number, number> = {};
  for (const p of Object.keys(ends).map(Number)) starts[p] = Math.max(0, from[p] ?? 0);
  const pending = () => Object.keys(ends).map(Number).filter((p) => (starts[p] ?? 0) < (ends[p] ?? 0));
  if (limit <= 0 || pending().length === 0) return [];

  const { config } = ctx;
  const groupId = ctx.groupId(`read.${randomUUID()}`);
  const consumer = ctx.kafka.consumer({
    ...consumerSettings(config, groupId),
    // Short: once everything is read, disconnecting waits for the fetch in flight.
    maxWaitTimeInMs: 100,
    retry: { retries: 3, restartOnFailure: async () => false },
  });
  const got: KafkaReadRecord[] = [];
  let settle!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error?: unknown) => (error === undefined ? resolve() : reject(error));
  });
  finished.catch(() => undefined); // may settle before it is awaited; awaited below all the same
  const timer = setTimeout(
    () => settle(new EcouteError('BUS_UNAVAILABLE', `kafka: read of ${name} did not reach the end offsets within ${config.request_timeout_ms} ms`)),
    config.request_timeout_ms,
  );
  consumer.on(consumer.events.CRASH, ({ payload }) => settle(payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [name], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const p = batch.partition;
        const start = starts[p] ?? 0;
        const end = ends[p] ?? 0;
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset < start || offset >= end) continue;
          if (got.length >= limit) break;
          starts[p] = offset + 1;
          // Privacy (issue 14, gaps14): a tombstone (an erasure) is no record for a reader.
          const tombstone = isTombstone(message);
          if (tombstone && !tombstones) continue;
          got.push({ ...toConsumed(topic, p, message), kafkaKey: message.key?.toString('utf8') ?? '', tombstone });
        }
        if (got.length < limit) starts[p] = Math.max(starts[p] ?? 0, Number(batch.lastOffset()) + 1);
        if (got.length >= limit || pending().length === 0) settle();
      },
    });
    // run() resolves once the group is joined (this sole member owns every partition); a fetch
    // already in flight is dropped by kafkajs for sought partitions, and filtered above anyway.
    try {
      for (const p of Object.keys(ends).map(Number)) consumer.seek({ topic: name, partition: p, offset: String(starts[p] ?? 0) });
    } catch (error) {
      await finished; // the join crashed: that error says more than the seek's
      throw error;
    }
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch((error: unknown) => ctx.logger.warn('kafka: read consumer did not disconnect cleanly', { error: String(error) }));
    await ctx.admin().deleteGroups([groupId]).catch((error: unknown) => {
      // GROUP_ID_NOT_FOUND: the coordinator already dropped the empty group.
      if (!errorMatches(error, /GROUP_ID_NOT_FOUND|does not exist/i)) {
        ctx.logger.warn('kafka: could not delete the read group', { group: groupId, error: String(error) });
      }
    });
  }
  return got.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
