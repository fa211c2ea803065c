// Bus records to and from kafkajs messages, and their size in a produce request.
//
// Privacy (issue 14, gaps14): the topics are compacted (cleanup.policy=compact,delete, see
// topics.ts) so that an erasure can take a record out with a tombstone (same Kafka key, null
// value). Compaction keeps the newest record of each Kafka key, so the Kafka key must name what
// may be collapsed:
// - mentions.raw and mentions.analyzed: the bus key, the mention id. A mention's versions collapse
//   to the newest (the store keeps the newest anyway), and one tombstone erases them all.
// - mentions.dlq and alerts: their bus keys name an origin (`file:line`) or a brand, shared by many
//   records that must all stay. The Kafka key is the bus key, NUL, and a random id: unique, so
//   compaction removes only what a tombstone names. The partition is still chosen from the bus key
//   alone (orderingKey), so the records of one bus key keep their order, as the Bus contract says.
// Consumers never see tombstones (consumer.ts, read.ts skip them) nor the suffix (toConsumed).
import { randomUUID } from 'node:crypto';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { ConsumedRecord, Topic } from '../types.js';

/** Bus keys never hold NUL (mention ids, file:line, brand ids): what follows it is the unique part. */
const KEY_SUFFIX = '\u0000';

/** A record as sent: its Kafka key, and a null value for a tombstone. */
export interface OutRecord {
  key: string;
  value: string | null;
  headers?: Record<string, string> | undefined;
}

/** The Kafka key a bus record of `topic` is written under (see above). */
export function kafkaKey(topic: Topic, busKey: string): string {
  return topic === 'mentions.raw' || topic === 'mentions.analyzed' ? busKey : `${busKey}${KEY_SUFFIX}${randomUUID()}`;
}

/** The bus key of a Kafka key: what orders the record (the partitioner hashes it) and what consumers see. */
export function orderingKey(key: string): string {
  const cut = key.indexOf(KEY_SUFFIX);
  return cut < 0 ? key : key.slice(0, cut);
}

export function isTombstone(message: KafkaMessage): boolean {
  return message.value === null;
}

/** Per-record overhead in a produce request (record header, lengths, timestamp), for sizing sends. */
const RECORD_OVERHEAD_BYTES = 70;

export function toMessage(record: OutRecord): Message {
  return {
    key: record.key,
    value: record.value,
    ...(record.headers && Object.keys(record.headers).length > 0 ? { headers: record.headers } : {}),
  };
}

/** About what the record takes in a produce request: sends are cut to produce_max_bytes by it. */
export function messageBytes(record: OutRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(record.key) + (record.value === null ? 0 : Buffer.byteLength(record.value));
  for (const [k, v] of Object.entries(record.headers ?? {})) bytes += Buffer.byteLength(k) + Buffer.byteLength(v) + 8;
  return bytes;
}

/** Strict: a lossy decode would turn bytes that are not text into U+FFFD and store them as text. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function toConsumed(topic: Topic, partition: number, message: KafkaMessage): ConsumedRecord {
  const headers = toHeaders(message.headers);
  let unreadable: string | undefined;
  if (message.value) {
    try {
      UTF8.decode(message.value);
    } catch {
      unreadable = 'value is not valid UTF-8';
    }
  }
  return {
    topic,
    partition,
    // Kafka offsets are int64 strings; a Number is exact up to 2^53.
    offset: Number(message.offset),
    key: orderingKey(message.key?.toString('utf8') ?? ''),
    value: message.value?.toString('utf8') ?? '',
    ...(headers ? { headers } : {}),
    timestamp: Number(message.timestamp),
    ...(unreadable && { unreadable }),
  };
}

function toHeaders(headers: IHeaders | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    // A header repeated in a record arrives as an array: the last one wins, as in a plain object.
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last !== undefined) out[k] = last.toString();
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
