// The Kafka bus: Apache Kafka through kafkajs, behind the same Bus seam and contract as the embedded
// bus (test/contract/bus.contract.ts). One file per job:
//
//   client.ts      the kafkajs client from the config (brokers, timeouts, logs), shared consumer settings
//   topics.ts      creating the topics at start (never auto-created) and waiting for their leaders
//   send-queue.ts  the idempotent producer: publishes cut to produce_max_bytes, queued, sent together
//   consumer.ts    a group consumer: handler, manual commits, back-off, crashes and restarts
//   read.ts        read(): a range without committing, through a throwaway group
//   codec.ts       bus records to and from kafkajs messages
//   errors.ts      matching kafkajs' nested errors
//
// Topics are `<prefix>mentions.raw`, `<prefix>mentions.analyzed`, `<prefix>alerts`,
// `<prefix>mentions.dlq`; consumer group ids carry the same prefix, so two deployments sharing a
// cluster share nothing.
//
// The bus starts lazily (first call), so `openBus` stays synchronous; `start()` starts it eagerly.
import type { Admin, Kafka } from 'kafkajs';
import type { KafkaBusConfig } from './config.js';
import { silentLogger, type Logger } from '../../../core/log.js';
import { TOPICS, type BatchHandler, type Bus, type BusRecord, type ConsumedRecord, type ConsumeOptions, type Consumer, type Offsets, type PrivacyDecision, type PrivacyRewriteResult, type Topic } from '../types.js';
import { kafkaKey, type OutRecord } from './codec.js';
import { createKafka } from './client.js';
import { KafkaBusConsumer } from './consumer.js';
import { readRange, type KafkaReadRecord } from './read.js';
import { SendQueue } from './send-queue.js';
import { ensureTopics } from './topics.js';
import { busError } from './errors.js';
import { whileLeadershipSettles } from './leadership.js';
import { EcouteError } from '../../../core/errors.js';

export interface KafkaBusOptions {
  /** Where kafkajs logs go (as warnings; info and debug as debug). Default: nowhere. */
  logger?: Logger;
}

export class KafkaBus implements Bus {
  readonly kafka: Kafka;
  readonly logger: Logger;
  private admin: Admin | undefined;
  private readonly sends: SendQueue;
  private starting: Promise<void> | undefined;
  private readonly consumers = new Set<KafkaBusConsumer>();
  private closing: Promise<void> | undefined;
  /** Topics found without compaction at start (topics.ts): an erasure cannot remove their records. */
  private uncompacted = new Set<string>();

  constructor(
    readonly config: KafkaBusConfig,
    options: KafkaBusOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.kafka = createKafka(config, this.logger);
    this.sends = new SendQueue(this.kafka, config);
  }

  /** The Kafka topic behind a bus topic. */
  topicName(topic: Topic): string {
    return `${this.config.topic_prefix}${topic}`;
  }

  /** The Kafka consumer group behind a bus group. */
  groupId(group: string): string {
    return `${this.config.topic_prefix}${group}`;
  }

  /**
   * Connects the admin client and the producer and creates the topics that are missing (idempotent).
   * Every other method awaits it; a failed start is retried by the next call.
   */
  start(): Promise<void> {
    this.assertOpen();
    this.starting ??= this.connect().catch(async (error: unknown) => {
      this.starting = undefined;
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = undefined;
      throw busError(`cannot start the bus (brokers ${this.config.brokers.join(', ')})`, error);
    });
    return this.starting;
  }

  /** Resolves once every in-sync replica has the records (see send-queue.ts). */
  async publish(topic: Topic, records: BusRecord[]): Promise<void> {
    this.assertOpen();
    if (records.length === 0) return;
    await this.start();
    this.assertOpen(); // close() may have begun meanwhile: its producer is going away
    // Privacy (issue 14, gaps14): the Kafka key that compaction and tombstones work on (codec.ts).
    const out = records.map((r) => ({ ...r, key: kafkaKey(topic, r.key) }));
    await this.sends.send(this.topicName(topic), out).catch((error: unknown) => {
      throw busError(`cannot publish to ${this.topicName(topic)}`, error);
    });
  }

  consume(topic: Topic, group: string, handler: BatchHandler, options: ConsumeOptions = {}): Consumer {
    this.assertOpen();
    const consumer = new KafkaBusConsumer(this, topic, group, handler, options);
    this.consumers.add(consumer);
    void consumer.done.finally(() => this.consumers.delete(consumer)).catch(() => undefined);
    return consumer;
  }

  async endOffsets(topic: Topic): Promise<Offsets> {
    await this.start();
    const admin = this.requireAdmin();
    const name = this.topicName(topic);
    const offsets = await whileLeadershipSettles(admin, name, this.config.request_timeout_ms, () => admin.fetchTopicOffsets(name));
    return Object.fromEntries(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  async committedOffsets(topic: Topic, group: string): Promise<Offsets> {
    await this.start();
    const name = this.topicName(topic);
    const fetched = await this.requireAdmin().fetchOffsets({ groupId: this.groupId(group), topics: [name] });
    const partitions = fetched.find((t) => t.topic === name)?.partitions ?? [];
    // -1: the group never committed on this partition.
    return Object.fromEntries(partitions.map((p) => [p.partition, Math.max(0, Number(p.offset))]));
  }

  /**
   * Reads from `from` (per partition; 0 where missing) up to the high watermarks as of the call,
   * without committing anything (see read.ts).
   */
  async read(topic: Topic, from: Offsets, limit = 10_000): Promise<ConsumedRecord[]> {
    this.assertOpen();
    await this.start();
    const ends = await this.endOffsets(topic);
    const records = await readRange(this.readContext(), { topic, name: this.topicName(topic), from, ends, limit });
    return records.map(({ kafkaKey: _kafkaKey, tombstone: _tombstone, ...record }) => record);
  }

  private readContext() {
    return {
      kafka: this.kafka,
      config: this.config,
      logger: this.logger,
      admin: () => this.requireAdmin(),
      groupId: (group: string) => this.groupId(group),
    };
  }

  /**
   * Privacy (issue 14, gaps14): an erasure on Kafka. Reads the topic from its start; for the newest
   * record of each Kafka key (what compaction keeps), `decide` says keep, delete or rewrite. Delete
   * writes a tombstone (same Kafka key, null value); rewrite writes the new value under the same
   * Kafka key (and bus key, so the same partition): the log cleaner then drops the old record. A
   * record already followed by a record of its key (tombstoned or rewritten by an earlier erase, or
   * this erase's first pass) is skipped, so a repeated erase counts nothing twice. The bytes leave
   * the log at the next compaction (within erasure_max_lag_ms of the tombstone, with traffic); on a
   * topic without compaction they stay until its retention, counted in `kept`.
   */
  async privacyRewrite(topic: Topic, decide: (record: ConsumedRecord) => PrivacyDecision): Promise<PrivacyRewriteResult> {
    this.assertOpen();
    await this.start();
    const name = this.topicName(topic);
    const ends = await this.endOffsets(topic);
    // The person's records not superseded yet, by Kafka key (one partition per key: read in order).
    // `records`: how many of theirs the tombstone will take (a mention's versions share its key).
    const pending = new Map<string, { record: KafkaReadRecord; decision: Exclude<PrivacyDecision, 'keep'>; records: number }>();
    let theirs = 0;
    let from: Offsets = {};
    for (;;) {
      const page = await readRange(this.readContext(), { topic, name, from, ends, limit: 5000, tombstones: true });
      if (page.length === 0) break;
      for (const r of page) {
        from = { ...from, [r.partition]: r.offset + 1 };
        const before = pending.get(r.kafkaKey);
        pending.delete(r.kafkaKey); // superseded by r, whatever r is: r is the one that counts
        if (r.tombstone) continue;
        const { kafkaKey: _k, tombstone: _t, ...record } = r;
        const decision = decide(record);
        if (decision === 'keep') continue;
        theirs++;
        const records = decision === 'delete' && before?.decision === 'delete' ? before.records + 1 : 1;
        pending.set(r.kafkaKey, { record: r, decision, records });
      }
      if (Object.entries(ends).every(([p, end]) => (from[Number(p)] ?? 0) >= end)) break;
    }
    const out: OutRecord[] = [];
    let deleted = 0;
    let rewritten = 0;
    for (const { record, decision, records } of pending.values()) {
      if (decision === 'delete') {
        deleted += records;
        out.push({ key: record.kafkaKey, value: null });
      } else {
        rewritten++;
        out.push({ key: record.kafkaKey, value: decision.value, headers: record.headers });
      }
    }
    if (out.length > 0) {
      await this.sends.send(name, out).catch((error: unknown) => {
        throw busError(`cannot write the erasure's tombstones to ${name}`, error);
      });
    }
    // Not compacted: every record of theirs stays until retention, those tombstoned before included.
    return { deleted, rewritten, eventual: true, kept: this.uncompacted.has(name) ? theirs : 0 };
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.consumers].map((c) => c.close()));
      await this.sends.idle();
      await this.starting?.catch(() => undefined);
      await this.sends.close();
      await this.admin?.disconnect().catch(() => undefined);
      this.admin = undefined;
    })();
    return this.closing;
  }

  /**
   * Privacy (issue 14, H4): Kafka cuts a partition only at an offset (DeleteRecords), so this deletes
   * every record appended before `beforeMs`, whatever its source; per-source retention is applied
   * to the store only (docs/privacy.md). Returns undefined: Kafka does not say how many went.
   */
  async privacyExpire(topic: Topic, beforeMs: number, source?: string): Promise<number | undefined> {
    if (source !== undefined) return undefined;
    await this.start();
    const admin = this.requireAdmin();
    const name = this.topicName(topic);
    const timeoutMs = this.config.request_timeout_ms;
    const cut = await whileLeadershipSettles(admin, name, timeoutMs, () => admin.fetchTopicOffsetsByTimestamp(name, beforeMs));
    const ends = await whileLeadershipSettles(admin, name, timeoutMs, () => admin.fetchTopicOffsets(name));
    // offset -1: no record at or after beforeMs, so the whole partition is older: cut at its end.
    const partitions = cut.map((c) => ({ partition: c.partition, offset: Number(c.offset) >= 0 ? c.offset : (ends.find((e) => e.partition === c.partition)?.high ?? '0') }));
    await admin.deleteTopicRecords({ topic: name, partitions });
    return undefined;
  }

  /** close() has begun. */
  isClosing(): boolean {
    return this.closing !== undefined;
  }

  private async connect(): Promise<void> {
    const admin = this.kafka.admin({ retry: { retries: 5 } });
    this.admin = admin;
    await admin.connect();
    this.uncompacted = await ensureTopics(admin, this.config, TOPICS.map((t) => this.topicName(t)), this.logger);
    await this.sends.connect();
  }

  private requireAdmin(): Admin {
    if (!this.admin) throw new EcouteError('INTERNAL_INVARIANT', 'kafka bus is not started');
    return this.admin;
  }

  private assertOpen(): void {
    if (this.closing) throw new EcouteError('BUS_CLOSED', 'bus is closed');
  }
}
