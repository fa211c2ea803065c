// The messaging seam. Everything that moves mentions between stages goes through Bus; the embedded
// (SQLite) and Kafka implementations pass the same contract suite (test/contract/bus.contract.ts).

export type Topic = 'mentions.raw' | 'mentions.analyzed' | 'mentions.dlq' | 'alerts';
export const TOPICS: readonly Topic[] = ['mentions.raw', 'mentions.analyzed', 'mentions.dlq', 'alerts'];

export interface BusRecord {
  /** Records with the same key keep their order (one partition per key). */
  key: string;
  /** JSON text. */
  value: string;
  headers?: Record<string, string>;
}

export interface ConsumedRecord extends BusRecord {
  topic: Topic;
  partition: number;
  offset: number;
  /** When the record was appended (epoch ms). */
  timestamp: number;
  /** Set by a bus whose bytes are not valid UTF-8: why (`value` is then a lossy decode). faults-dist. */
  unreadable?: string;
}

/** Next offset to read, by partition. */
export type Offsets = Record<number, number>;

export type BatchHandler = (batch: ConsumedRecord[]) => Promise<void>;

export interface ConsumeOptions {
  /** Largest batch handed to the handler. */
  maxBatch?: number;
  /** Called when the handler throws; the batch is retried after `retry_backoff_ms`, never skipped. */
  onError?: (error: unknown, batch: ConsumedRecord[]) => void;
  /**
   * Issue 15: batches of different partitions handled at once by this consumer (a bounded in-flight
   * window; each partition's batches stay in order and are committed in order). Only for a handler
   * without shared state between batches. Default 1; the embedded bus has one partition.
   */
  partitionsAtOnce?: number;
}

export interface Consumer {
  /** Stops fetching, lets the in-flight batch finish and commit, then resolves. */
  close(): Promise<void>;
  /** Resolves when the consumer stopped, rejects if it stopped on a fatal error. */
  readonly done: Promise<void>;
}

export interface Bus {
  /** Resolves only when every record is durable. */
  publish(topic: Topic, records: BusRecord[]): Promise<void>;
  /**
   * At-least-once: the group's offset is committed only after `handler` resolved for the batch.
   * A handler that throws gets the same batch again (after a back-off); it is never skipped.
   */
  consume(topic: Topic, group: string, handler: BatchHandler, options?: ConsumeOptions): Consumer;
  /** Offset after the last record, per partition. */
  endOffsets(topic: Topic): Promise<Offsets>;
  /** Next offset the group will read, per partition (0 where it never committed). */
  committedOffsets(topic: Topic, group: string): Promise<Offsets>;
  /** Reads records from `from` (per partition) up to the end as of now, without a group. */
  read(topic: Topic, from: Offsets, limit?: number): Promise<ConsumedRecord[]>;
  close(): Promise<void>;
  // Issue 14, faults-embedded part (`ecoute dlq drop`): deleting single records. Only the embedded
  // bus can (Kafka deletes only whole prefixes of a partition); absent, the caller keeps a list.
  /** Deletes these records of `topic`; resolves with how many existed. */
  deleteRecords?(topic: Topic, records: { partition: number; offset: number }[]): Promise<number>;
  // ---- Privacy (issue 14, H4): erasure and retention inside the log; see docs/privacy.md. ----
  /**
   * Rewrites the topic in place: each record is kept, deleted, or given a new value (same key; the
   * embedded log keeps its offset). Kafka (issue 14, gaps14): compacted topics; a delete is a
   * tombstone, a new value is appended under the same Kafka key, and the old bytes leave at the next
   * compaction (`eventual`). Absent on a log that cannot be rewritten at all.
   */
  privacyRewrite?(topic: Topic, decide: (record: ConsumedRecord) => PrivacyDecision): Promise<PrivacyRewriteResult>;
  /**
   * Deletes the records appended before `beforeMs` (epoch ms), whether consumed or not; with
   * `source`, only the records whose value's `source` is that one (a log that can only cut whole
   * partitions at an offset ignores `source` and returns undefined for it). Returns how many went.
   */
  privacyExpire?(topic: Topic, beforeMs: number, source?: string): Promise<number | undefined>;
}

/** What privacyRewrite did (issue 14, gaps14: `eventual` and `kept` for Kafka). */
export interface PrivacyRewriteResult {
  deleted: number;
  rewritten: number;
  /** The records are marked (tombstones) now and leave the log at its next compaction. */
  eventual?: boolean;
  /** Records of the person left in a topic that is not compacted, until its retention. */
  kept?: number;
}

/** What privacyRewrite does with one record. */
export type PrivacyDecision = 'keep' | 'delete' | { value: string };

/** True when every partition of `committed` reached `target`. */
export function reached(committed: Offsets, target: Offsets): boolean {
  return Object.entries(target).every(([p, end]) => (committed[Number(p)] ?? 0) >= end);
}
