// Issue 15, H7 (the Kafka client): the Kafka bus through @platformatic/kafka 1.x, behind the same Bus
// seam and contract as the kafkajs bus (../kafka/) and the embedded bus (test/contract/bus.contract.ts).
// Selected by `bus.client: platformatic` (config.ts); the topics, groups, keys-to-partitions and
// offsets are the kafkajs bus's, so a deployment can switch clients and resume where it stood.
//
//   client.ts      the admin, producer and consumer clients from the config
//   topics.ts      creating the topics at start (never auto-created) and waiting for their leaders
//   send-queue.ts  the idempotent producer: publishes cut to produce_max_bytes, queued, sent together
//   consumer.ts    a group consumer: stream, handler, manual commits, back-off, restarts
//   read.ts        read(): a range through plain Fetch requests, without a group
//   codec.ts       bus records to and from the client's messages
//   errors.ts      matching the client's nested broker errors; retries while leadership settles
//
// The bus starts lazily (first call), so `openBus` stays synchronous; `start()` starts it eagerly.
import type { Admin } from '@platformatic/kafka';
import type { KafkaBusConfig } from '../kafka/config.js';
import { silentLogger, type Logger } from '../../../core/log.js';
import { TOPICS, type BatchHandler, type Bus, type BusRecord, type ConsumedRecord, type ConsumeOptions, type Consumer, type Offsets, type Topic } from '../types.js';
import { createAdmin } from './client.js';
import { PlatformaticBusConsumer } from './consumer.js';
import { readRange } from './read.js';
import { SendQueue } from './send-queue.js';
import { ensureTopics, waitForLeaders } from './topics.js';
import { platformaticError, whileSettling } from './errors.js';
import { EcouteError } from '../../../core/errors.js';

export interface PlatformaticBusOptions {
  /** Where the bus's warnings go. Default: nowhere. */
  logger?: Logger;
}

export class PlatformaticBus implements Bus {
  readonly logger: Logger;
  private admin: Admin | undefined;
  private readonly sends: SendQueue;
  private starting: Promise<void> | undefined;
  private readonly consumers = new Set<PlatformaticBusConsumer>();
  private closing: Promise<void> | undefined;

  constructor(
    readonly config: KafkaBusConfig,
    options: PlatformaticBusOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.sends = new SendQueue(config);
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
      await this.admin?.close().catch(() => undefined);
      this.admin = undefined;
      throw platformaticError(`cannot start the bus (brokers ${this.config.brokers.join(', ')})`, error);
    });
    return this.starting;
  }

  /** Resolves once every in-sync replica has the records (see send-queue.ts). */
  async publish(topic: Topic, records: BusRecord[]): Promise<void> {
    this.assertOpen();
    if (records.length === 0) return;
    await this.start();
    this.assertOpen(); // close() may have begun meanwhile: its producer is going away
    await this.sends.send(this.topicName(topic), topic, records).catch((error: unknown) => {
      throw platformaticError(`cannot publish to ${this.topicName(topic)}`, error);
    });
  }

  consume(topic: Topic, group: string, handler: BatchHandler, options: ConsumeOptions = {}): Consumer {
    this.assertOpen();
    const consumer = new PlatformaticBusConsumer(this, topic, group, handler, options);
    this.consumers.add(consumer);
    void consumer.done.finally(() => this.consumers.delete(consumer)).catch(() => undefined);
    return consumer;
  }

  async endOffsets(topic: Topic): Promise<Offsets> {
    await this.start();
    const listed = await this.listOffsets(topic, -1n);
    return Object.fromEntries(listed.map((p) => [p.partitionIndex, Number(p.offset)]));
  }

  async committedOffsets(topic: Topic, group: string): Promise<Offsets> {
    await this.start();
    const admin = this.requireAdmin();
    const name = this.topicName(topic);
    const partitions = await this.partitions(topic);
    const groups = await whileSettling(this.config.request_timeout_ms, () =>
      admin.listConsumerGroupOffsets({ groups: [{ groupId: this.groupId(group), topics: [{ name, partitionIndexes: partitions }] }] }),
    );
    const committed = groups[0]?.topics.find((t) => t.name === name)?.partitions ?? [];
    // -1: the group never committed on this partition.
    const out: Offsets = Object.fromEntries(partitions.map((p) => [p, 0]));
    for (const p of committed) out[p.partitionIndex] = Math.max(0, Number(p.committedOffset));
    return out;
  }

  /** Reads from `from` (per partition; 0 where missing) up to the end offsets as of the call (read.ts). */
  async read(topic: Topic, from: Offsets, limit = 10_000): Promise<ConsumedRecord[]> {
    this.assertOpen();
    await this.start();
    const ends = await this.endOffsets(topic);
    // Records before a partition's log start are gone (retention, privacyExpire): start past them, as
    // a Fetch below it is refused (OFFSET_OUT_OF_RANGE).
    const starts: Offsets = {};
    for (const p of await this.listOffsets(topic, -2n)) starts[p.partitionIndex] = Math.max(from[p.partitionIndex] ?? 0, Number(p.offset));
    return readRange(this.requireAdmin(), this.config, { topic, name: this.topicName(topic), from: starts, ends, limit }).catch((error: unknown) => {
      throw platformaticError(`cannot read ${this.topicName(topic)}`, error);
    });
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.consumers].map((c) => c.close()));
      await this.sends.idle();
      await this.starting?.catch(() => undefined);
      await this.sends.close();
      await this.admin?.close().catch(() => undefined);
      this.admin = undefined;
    })();
    return this.closing;
  }

  /**
   * Privacy (issue 14): Kafka cuts a partition only at an offset (DeleteRecords), so this deletes
   * every record appended before `beforeMs`, whatever its source (as the kafkajs bus; see
   * docs/privacy.md). Returns undefined: Kafka does not say how many went.
   */
  async privacyExpire(topic: Topic, beforeMs: number, source?: string): Promise<number | undefined> {
    if (source !== undefined) return undefined;
    await this.start();
    const cut = await this.listOffsets(topic, BigInt(beforeMs));
    const ends = await this.endOffsets(topic);
    // offset -1: no record at or after beforeMs, so the whole partition is older: cut at its end.
    const partitions = cut.map((c) => ({ partition: c.partitionIndex, offset: c.offset >= 0n ? c.offset : BigInt(ends[c.partitionIndex] ?? 0) }));
    await this.requireAdmin().deleteRecords({ topics: [{ name: this.topicName(topic), partitions }] });
    return undefined;
  }

  /** close() has begun. */
  isClosing(): boolean {
    return this.closing !== undefined;
  }

  /** The topic's offsets at `timestamp` (-1n: the end, -2n: the log start) for each partition. */
  private async listOffsets(topic: Topic, timestamp: bigint) {
    const admin = this.requireAdmin();
    const name = this.topicName(topic);
    const partitions = await this.partitions(topic);
    const listed = await whileSettling(this.config.request_timeout_ms, () =>
      admin.listOffsets({ topics: [{ name, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] }),
    );
    return (listed.find((t) => t.name === name)?.partitions ?? []).sort((a, b) => a.partitionIndex - b.partitionIndex);
  }

  private async partitions(topic: Topic): Promise<number[]> {
    const name = this.topicName(topic);
    const metadata = await waitForLeaders(this.requireAdmin(), [name], this.config.request_timeout_ms);
    return Array.from({ length: metadata.topics.get(name)?.partitionsCount ?? 0 }, (_, i) => i);
  }

  private async connect(): Promise<void> {
    const admin = createAdmin(this.config);
    this.admin = admin;
    await ensureTopics(admin, this.config, TOPICS.map((t) => this.topicName(t)), this.logger);
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
