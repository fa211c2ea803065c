// Bus records to and from @platformatic/kafka messages.
import type { Message, MessageToProduce } from '@platformatic/kafka';
import type { BusRecord, ConsumedRecord, Topic } from '../types.js';
// One Kafka key scheme for both clients (compacted topics, erasure by tombstone): kafka/codec.ts.
import { kafkaKey, orderingKey } from '../kafka/codec.js';

/** Per-record overhead in a produce request (record header, lengths, timestamp), for sizing sends. */
const RECORD_OVERHEAD_BYTES = 70;

export function toMessage(topic: string, busTopic: Topic, record: BusRecord): MessageToProduce<string, string, string, string> {
  return {
    topic,
    key: kafkaKey(busTopic, record.key),
    value: record.value,
    ...(record.headers && Object.keys(record.headers).length > 0 ? { headers: record.headers } : {}),
  };
}

/** About what the record takes in a produce request: sends are cut to produce_max_bytes by it. */
export function messageBytes(record: BusRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(record.key) + Buffer.byteLength(record.value);
  for (const [k, v] of Object.entries(record.headers ?? {})) bytes += Buffer.byteLength(k) + Buffer.byteLength(v) + 8;
  return bytes;
}

/** Strict: a lossy decode would turn bytes that are not text into U+FFFD and store them as text. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The fields of a fetched record this codec reads (a stream message, or one decoded by read.ts). */
export interface RawRecord {
  key?: Buffer | null | undefined;
  value?: Buffer | null | undefined;
  headers?: Map<Buffer | undefined, Buffer | undefined> | [Buffer | null | undefined, Buffer | null | undefined][];
  offset: bigint;
  timestamp: bigint;
}

export function toConsumed(topic: Topic, partition: number, message: RawRecord): ConsumedRecord {
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
    // Kafka offsets are int64; a Number is exact up to 2^53.
    offset: Number(message.offset),
    key: orderingKey(message.key?.toString('utf8') ?? ''),
    value: message.value?.toString('utf8') ?? '',
    ...(headers ? { headers } : {}),
    timestamp: Number(message.timestamp),
    ...(unreadable && { unreadable }),
  };
}

/** A record an erasure wrote (null value): consumers skip it, and commit past it. */
export function isTombstone(message: { value?: Buffer | null | undefined }): boolean {
  return message.value === null || message.value === undefined;
}

export function fromStream(topic: Topic, message: Message<Buffer, Buffer, Buffer, Buffer>): ConsumedRecord {
  return toConsumed(topic, message.partition, message);
}

function toHeaders(headers: RawRecord['headers']): Record<string, string> | undefined {
  if (!headers) return undefined;
  const out: Record<string, string> = {};
  // A header repeated in a record: the last one wins, as in a plain object (and as the kafkajs bus).
  for (const [k, v] of headers) if (k && v) out[k.toString()] = v.toString();
  return Object.keys(out).length > 0 ? out : undefined;
}
