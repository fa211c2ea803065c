// Bus records to and from kafkajs messages, and their size in a produce request.
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { BusRecord, ConsumedRecord, Topic } from '../types.js';

/** Per-record overhead in a produce request (record header, lengths, timestamp), for sizing sends. */
const RECORD_OVERHEAD_BYTES = 70;

export function toMessage(record: BusRecord): Message {
  return {
    key: record.key,
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
    key: message.key?.toString('utf8') ?? '',
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
