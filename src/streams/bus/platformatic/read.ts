// Reading a range of a topic without a consumer group (Bus.read: the CLI, replay, tests): plain
// Fetch requests to each partition's leader, from the given offsets up to the end offsets as of the
// call. Nothing joins a group, so nothing is left behind and nothing is committed.
import type { Admin } from '@platformatic/kafka';
import type { KafkaBusConfig } from '../kafka/config.js';
import type { ConsumedRecord, Offsets, Topic } from '../types.js';
import { createConsumer } from './client.js';
import { isTombstone, toConsumed } from './codec.js';
import { waitForLeaders } from './topics.js';
import { EcouteError } from '../../../core/errors.js';

/** Record batches with this attribute bit are transaction markers, not records. */
const IS_CONTROL = 0x20;

export interface ReadRequest {
  topic: Topic;
  /** Its Kafka name. */
  name: string;
  /** Per partition, where to start (0 where missing). */
  from: Offsets;
  /** Per partition, where to stop (exclusive): the high watermarks as of the call. */
  ends: Offsets;
  limit: number;
}

/** The records of `from` … `ends`, at most `limit`, by partition then offset. */
export async function readRange(admin: Admin, config: KafkaBusConfig, { topic, name, from, ends, limit }: ReadRequest): Promise<ConsumedRecord[]> {
  const next: Record<number, number> = {};
  for (const p of Object.keys(ends).map(Number)) next[p] = Math.max(0, from[p] ?? 0);
  const pending = () => Object.keys(ends).map(Number).filter((p) => (next[p] ?? 0) < (ends[p] ?? 0));
  if (limit <= 0 || pending().length === 0) return [];

  // A consumer client only for its Fetch: the group id is never joined (the API requires one).
  const client = createConsumer(config, `${config.topic_prefix}read`, 1);
  const got: ConsumedRecord[] = [];
  const deadline = Date.now() + config.request_timeout_ms;
  try {
    const metadata = await waitForLeaders(admin, [name], config.request_timeout_ms);
    const meta = metadata.topics.get(name);
    if (!meta) throw new EcouteError('BUS_UNAVAILABLE', `kafka: no metadata for ${name}`);
    // Partition order, so that `limit` keeps the first records of the lowest partitions.
    for (const p of pending().sort((a, b) => a - b)) {
      const leader = meta.partitions[p]?.leader ?? -1;
      while ((next[p] ?? 0) < (ends[p] ?? 0) && got.length < limit) {
        if (Date.now() > deadline) throw new EcouteError('BUS_UNAVAILABLE', `kafka: read of ${name} did not reach the end offsets within ${config.request_timeout_ms} ms`);
        const response = await client.fetch({
          node: leader,
          maxWaitTime: 100,
          maxBytes: config.fetch_max_bytes,
          topics: [{ topicId: meta.id, partitions: [{ partition: p, fetchOffset: BigInt(next[p] ?? 0), partitionMaxBytes: config.fetch_max_bytes_per_partition, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
        });
        const end = ends[p] ?? 0;
        for (const partition of response.responses.flatMap((r) => r.partitions)) {
          if (partition.errorCode !== 0) throw new EcouteError('BUS_UNAVAILABLE', `kafka: fetching ${name} partition ${p} failed with broker error ${partition.errorCode}`);
          for (const batch of (partition.records ?? []) as RecordBatch[]) {
            if ((batch.attributes & IS_CONTROL) === 0) {
              for (const record of batch.records) {
                const offset = batch.firstOffset + BigInt(record.offsetDelta);
                if (offset < BigInt(next[p] ?? 0) || offset >= BigInt(end) || got.length >= limit) continue;
                if (!isTombstone(record)) got.push(toConsumed(topic, p, { ...record, offset, timestamp: batch.firstTimestamp + record.timestampDelta }));
                next[p] = Number(offset) + 1;
              }
            }
            // Past the batch's end (control records included) unless the limit stopped inside it.
            if (got.length < limit) next[p] = Math.max(next[p] ?? 0, Number(batch.firstOffset) + batch.lastOffsetDelta + 1);
          }
          // A partition whose remaining records were deleted (retention): start past the gap.
          if ((partition.records ?? []).length === 0 && partition.logStartOffset > BigInt(next[p] ?? 0)) next[p] = Number(partition.logStartOffset);
        }
      }
    }
  } finally {
    await client.close().catch(() => undefined);
  }
  return got.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

interface RecordBatch {
  firstOffset: bigint;
  firstTimestamp: bigint;
  attributes: number;
  lastOffsetDelta: number;
  records: { offsetDelta: number; timestampDelta: bigint; key: Buffer | null; value: Buffer | null; headers: [Buffer | null, Buffer | null][] }[];
}
