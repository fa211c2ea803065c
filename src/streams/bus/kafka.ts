// The Kafka bus: Apache Kafka through kafkajs, behind the same Bus seam and contract as the embedded
// bus (test/contract/bus.contract.ts).
//
// - Topics (`<prefix>mentions.raw`, `<prefix>mentions.analyzed`, `<prefix>alerts`,
//   `<prefix>mentions.dlq`) are created by the admin client at start, never auto-created: auto-creation
//   races with leader election and would use the broker's partition count, not ours.
// - Consumer group ids carry the same prefix, so two deployments sharing a cluster share nothing.
// - The producer is idempotent with acks=-1: `publish` resolves once every in-sync replica has the
//   records. Records are keyed, and the key picks the partition (murmur2, as the Java client), so
//   records with one key keep their order.
// - Consumers commit by hand, after the handler resolved, the offset after the last handled record;
//   a handler that throws gets the same records again after a back-off, never skipped.
// - Memory is bounded without a buffer of ours: kafkajs awaits eachBatch before its next fetch, so a
//   consumer holds at most one fetch response (fetch_max_bytes) while the handler runs.
//
// The bus starts lazily (first call), so `openBus` stays synchronous; `start()` starts it eagerly.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Batch,
  type Consumer as KafkaConsumer,
  type EachBatchPayload,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type Message,
  type Producer,
} from 'kafkajs';
import type { KafkaBusConfig } from './kafka/config.js';
import { silentLogger, type Logger } from '../../core/log.js';
import {
  TOPICS,
  type BatchHandler,
  type Bus,
  type BusRecord,
  type ConsumedRecord,
  type ConsumeOptions,
  type Consumer,
  type Offsets,
  type Topic,
} from './types.js';

const DEFAULT_BATCH = 500;
const MAX_BACKOFF_MS = 30_000;
/** Retries of one produce request before `publish` rejects (about a minute with the back-off). */
const PRODUCER_RETRIES = 8;
/** Errors after which this member no longer owns its partitions: retrying a commit is pointless. */
const REBALANCE_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);
/** Per-record overhead in a produce request (record header, lengths, timestamp), for sizing sends. */
const RECORD_OVERHEAD_BYTES = 70;

const LOG_LEVELS: Record<KafkaBusConfig['log_level'], KafkaLogLevel> = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

export interface KafkaBusOptions {
  /** Where kafkajs logs go (as warnings; info and debug as debug). Default: nowhere. */
  logger?: Logger;
}

interface PendingSend {
  topic: string;
  messages: Message[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class KafkaBus implements Bus {
  readonly kafka: Kafka;
  readonly logger: Logger;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private starting: Promise<void> | undefined;
  private readonly consumers = new Set<KafkaBusConsumer>();
  private readonly sendQueue: PendingSend[] = [];
  private draining: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    readonly config: KafkaBusConfig,
    options: KafkaBusOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.kafka = new Kafka({
      clientId: config.client_id,
      brokers: config.brokers,
      connectionTimeout: config.connection_timeout_ms,
      requestTimeout: config.request_timeout_ms,
      logLevel: LOG_LEVELS[config.log_level],
      logCreator: () => (entry) => this.logKafka(entry),
    });
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
      throw error;
    });
    return this.starting;
  }

  async publish(topic: Topic, records: BusRecord[]): Promise<void> {
    this.assertOpen();
    if (records.length === 0) return;
    await this.start();
    this.assertOpen(); // close() may have begun meanwhile: its producer is going away
    const name = this.topicName(topic);
    // Split so that no produce request exceeds produce_max_bytes; the chunks go out in order.
    const chunks: PendingSend[] = [];
    let current: Message[] = [];
    let bytes = 0;
    const flush = () => {
      if (current.length === 0) return;
      chunks.push({ topic: name, messages: current, bytes, resolve: () => undefined, reject: () => undefined });
      current = [];
      bytes = 0;
    };
    for (const record of records) {
      const message = toMessage(record);
      const size = messageBytes(record);
      if (current.length > 0 && bytes + size > this.config.produce_max_bytes) flush();
      current.push(message);
      bytes += size;
    }
    flush();
    await Promise.all(
      chunks.map(
        (chunk) =>
          new Promise<void>((resolve, reject) => {
            chunk.resolve = resolve;
            chunk.reject = reject;
            this.enqueue(chunk);
          }),
      ),
    );
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
    const offsets = await this.requireAdmin().fetchTopicOffsets(this.topicName(topic));
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
   * without committing anything. kafkajs has no manual partition assignment, so this joins a
   * throwaway group, seeks, and deletes the group afterwards.
   */
  async read(topic: Topic, from: Offsets, limit = 10_000): Promise<ConsumedRecord[]> {
    this.assertOpen();
    await this.start();
    const name = this.topicName(topic);
    const ends = await this.endOffsets(topic);
    const starts: Record<number, number> = {};
    for (const p of Object.keys(ends).map(Number)) starts[p] = Math.max(0, from[p] ?? 0);
    const pending = () => Object.keys(ends).map(Number).filter((p) => (starts[p] ?? 0) < (ends[p] ?? 0));
    if (limit <= 0 || pending().length === 0) return [];

    const groupId = this.groupId(`read.${randomUUID()}`);
    const consumer = this.kafka.consumer({
      groupId,
      sessionTimeout: this.config.session_timeout_ms,
      heartbeatInterval: this.config.heartbeat_interval_ms,
      rebalanceTimeout: this.config.rebalance_timeout_ms,
      maxBytes: this.config.fetch_max_bytes,
      maxBytesPerPartition: this.config.fetch_max_bytes_per_partition,
      // Short: once everything is read, disconnecting waits for the fetch in flight.
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      retry: { retries: 3, restartOnFailure: async () => false },
    });
    const got: ConsumedRecord[] = [];
    let settle!: (error?: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => {
      settle = (error?: unknown) => (error === undefined ? resolve() : reject(error));
    });
    finished.catch(() => undefined); // may settle before it is awaited; awaited below all the same
    const timer = setTimeout(
      () => settle(new Error(`kafka: read of ${name} did not reach the end offsets within ${this.config.request_timeout_ms} ms`)),
      this.config.request_timeout_ms,
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
            got.push(toConsumed(topic, p, message));
            starts[p] = offset + 1;
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
      await consumer.disconnect().catch((error: unknown) => this.logger.warn('kafka: read consumer did not disconnect cleanly', { error: String(error) }));
      await this.requireAdmin()
        .deleteGroups([groupId])
        .catch((error: unknown) => {
          // GROUP_ID_NOT_FOUND: the coordinator already dropped the empty group.
          if (!/GROUP_ID_NOT_FOUND|does not exist/i.test(JSON.stringify(describeError(error)))) {
            this.logger.warn('kafka: could not delete the read group', { group: groupId, error: String(error) });
          }
        });
    }
    return got.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  }

  async close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.consumers].map((c) => c.close()));
      while (this.draining) await this.draining;
      await this.starting?.catch(() => undefined);
      await this.producer?.disconnect().catch(() => undefined);
      await this.admin?.disconnect().catch(() => undefined);
      this.producer = undefined;
      this.admin = undefined;
    })();
    return this.closing;
  }

  // ---- used by KafkaBusConsumer ----

  isClosing(): boolean {
    return this.closing !== undefined;
  }

  // ---- internals ----

  private async connect(): Promise<void> {
    const admin = this.kafka.admin({ retry: { retries: 5 } });
    this.admin = admin;
    await admin.connect();
    const wanted = TOPICS.map((t) => this.topicName(t));
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      try {
        await admin.createTopics({
          topics: missing.map((topic) => ({
            topic,
            numPartitions: this.config.partitions,
            replicationFactor: this.config.replication_factor,
          })),
          waitForLeaders: true,
        });
      } catch (error) {
        // Another process created some of them meanwhile: fine, the metadata check below waits for leaders.
        if (!/TOPIC_ALREADY_EXISTS|already exists/i.test(JSON.stringify(describeError(error)))) throw error;
      }
    }
    const metadata = await this.waitForLeaders(admin, wanted);
    for (const t of metadata.topics) {
      if (t.partitions.length !== this.config.partitions) {
        // Not changed here: adding partitions moves keys to other partitions (order per key breaks).
        this.logger.warn('kafka: topic exists with another partition count than configured; using it as it is', {
          topic: t.name,
          partitions: t.partitions.length,
          configured: this.config.partitions,
        });
      }
    }
    this.producer = await this.newProducer();
  }

  private async waitForLeaders(admin: Admin, topics: string[]) {
    const deadline = Date.now() + this.config.request_timeout_ms;
    for (;;) {
      try {
        const metadata = await admin.fetchTopicMetadata({ topics });
        if (metadata.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return metadata;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`kafka: topics ${topics.join(', ')} have no leader after ${this.config.request_timeout_ms} ms`);
      await sleep(100);
    }
  }

  private async newProducer(): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      // Java-compatible murmur2 on the key (also silences kafkajs' partitioner warning).
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      // Bounded, so that a broker gone for good makes publish reject instead of hanging forever; the
      // producer is replaced after a failed send (see drain), so sequence numbers never get reused.
      retry: { retries: PRODUCER_RETRIES },
    });
    await producer.connect();
    return producer;
  }

  /** Called by publish through the queue: sends queued chunks, several per request when they fit. */
  private kick(): void {
    if (this.draining) return;
    this.draining = (async () => {
      while (this.sendQueue.length > 0) {
        const group: PendingSend[] = [];
        let bytes = 0;
        while (this.sendQueue.length > 0) {
          const next = this.sendQueue[0] as PendingSend;
          if (group.length > 0 && bytes + next.bytes > this.config.produce_max_bytes) break;
          group.push(next);
          bytes += next.bytes;
          this.sendQueue.shift();
        }
        const byTopic = new Map<string, Message[]>();
        for (const pending of group) {
          const list = byTopic.get(pending.topic) ?? [];
          list.push(...pending.messages);
          byTopic.set(pending.topic, list);
        }
        try {
          this.producer ??= await this.newProducer();
          await this.producer.sendBatch({
            acks: -1,
            timeout: this.config.request_timeout_ms,
            topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
          });
          for (const pending of group) pending.resolve();
        } catch (error) {
          for (const pending of group) pending.reject(error);
          // A send that failed may still have been written: a new producer (new id) keeps the next
          // records from being taken for retries of these and dropped as duplicates.
          const failed = this.producer;
          this.producer = undefined;
          await failed?.disconnect().catch(() => undefined);
        }
      }
    })().finally(() => {
      this.draining = undefined;
      if (this.sendQueue.length > 0) this.kick();
    });
  }

  private enqueue(chunk: PendingSend): void {
    this.sendQueue.push(chunk);
    this.kick();
  }

  private requireAdmin(): Admin {
    if (!this.admin) throw new Error('kafka bus is not started');
    return this.admin;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('bus is closed');
  }

  private logKafka({ namespace, level, log }: LogEntry): void {
    const { message, timestamp: _timestamp, logger: _logger, stack: _stack, ...fields } = log;
    const text = `kafkajs ${namespace}: ${message}`;
    // Connection logs every error response at ERROR, also those the client then handles (retries,
    // rejoining a rebalancing group); what is not handled surfaces as a crash or a rejection.
    if (level <= KafkaLogLevel.WARN && namespace !== 'Connection') this.logger.warn(text, fields);
    else this.logger.debug(text, fields);
  }
}

class KafkaBusConsumer implements Consumer {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: unknown) => void;
  private settled = false;
  private closing: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private client: KafkaConsumer | undefined;
  private readonly started: Promise<void>;
  private readonly crashes: number[] = [];
  private fatal: Error | undefined;
  private readonly name: string;
  private readonly maxBatch: number;

  constructor(
    private readonly bus: KafkaBus,
    private readonly topic: Topic,
    private readonly group: string,
    private readonly handler: BatchHandler,
    private readonly options: ConsumeOptions,
  ) {
    this.name = bus.topicName(topic);
    this.maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_BATCH);
    this.done = new Promise<void>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.started = this.start().catch((error: unknown) => this.finish(error));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping.abort();
      await this.started;
      // disconnect = stop (lets the eachBatch in flight finish and commit) + leave the group.
      await this.client?.disconnect().catch((error: unknown) => this.bus.logger.warn('kafka: consumer did not disconnect cleanly', { error: String(error) }));
      this.finish();
    })();
    return this.closing;
  }

  private async start(): Promise<void> {
    await this.bus.start();
    if (this.closing) return;
    const config = this.bus.config;
    const consumer = this.bus.kafka.consumer({
      groupId: this.bus.groupId(this.group),
      sessionTimeout: config.session_timeout_ms,
      heartbeatInterval: config.heartbeat_interval_ms,
      rebalanceTimeout: config.rebalance_timeout_ms,
      maxBytes: config.fetch_max_bytes,
      maxBytesPerPartition: config.fetch_max_bytes_per_partition,
      maxWaitTimeInMs: config.fetch_max_wait_ms,
      allowAutoTopicCreation: false,
      retry: { restartOnFailure: async (error) => this.shouldRestart(error) },
    });
    this.client = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // restart=false: kafkajs already disconnected and will not come back.
      if (!payload.restart) this.finish(this.closing ? undefined : (this.fatal ?? payload.error));
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      // A restart that was joining while close() ran: stop it again.
      if (this.closing && this.settled) void consumer.disconnect().catch(() => undefined);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.name], fromBeginning: true });
    if (this.closing) return;
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const messages = batch.messages;
    for (let i = 0; i < messages.length; i += this.maxBatch) {
      // Stopping or the partition is being moved: leave the rest unresolved (fetched again, here or
      // by the next owner). The chunk in flight always finishes first, never a new one starts.
      if (this.closing || !isRunning() || isStale()) return;
      const slice = messages.slice(i, i + this.maxBatch);
      const records = slice.map((m) => toConsumed(this.topic, batch.partition, m));
      if (!(await this.handle(records, heartbeat, isRunning))) return;
      const lastOfBatch = i + this.maxBatch >= messages.length;
      // After the last chunk, past any control records the batch ends with.
      const last = lastOfBatch ? batch.lastOffset() : (slice[slice.length - 1] as KafkaMessage).offset;
      resolveOffset(last);
      await this.commit(commitOffsetsIfNecessary, batch, Number(last) + 1);
      if (!this.closing && isRunning()) await heartbeat();
    }
  }

  /** Runs the handler until it resolves (true), or until the consumer stops (false). */
  private async handle(records: ConsumedRecord[], heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<boolean> {
    const config = this.bus.config;
    let failures = 0;
    for (;;) {
      // A long handler must not cost the group membership: heartbeat beside it. A rebalance noticed
      // here is handled when eachBatch returns (kafkajs heartbeats after each batch and rejoins).
      const keepalive = setInterval(() => void heartbeat().catch(() => undefined), config.heartbeat_interval_ms);
      try {
        await this.handler(records);
        return true;
      } catch (error) {
        failures++;
        this.options.onError?.(error, records);
      } finally {
        clearInterval(keepalive);
      }
      // At-least-once: nothing resolved nor committed; the same records again after a back-off.
      const backoff = Math.min(MAX_BACKOFF_MS, config.retry_backoff_ms * 2 ** Math.min(failures - 1, 16));
      const until = Date.now() + backoff;
      while (Date.now() < until) {
        if (this.closing || !isRunning()) return false;
        const step = Math.min(until - Date.now(), config.heartbeat_interval_ms);
        await sleep(step, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        // Throws when the group rebalances: the records go to whoever owns the partition next.
        if (!this.closing && isRunning()) await heartbeat();
      }
      if (this.closing || !isRunning()) return false;
    }
  }

  private async commit(commitOffsetsIfNecessary: EachBatchPayload['commitOffsetsIfNecessary'], batch: Batch, next: number): Promise<void> {
    const offsets = { topics: [{ topic: this.name, partitions: [{ partition: batch.partition, offset: String(next) }] }] };
    for (let attempt = 1; ; attempt++) {
      try {
        // With explicit offsets this commits even while stopping (consumer.commitOffsets would not).
        await commitOffsetsIfNecessary(offsets);
        return;
      } catch (error) {
        // Lost the partition: the next owner handles these records again (at-least-once).
        if (attempt >= 5 || REBALANCE_ERRORS.has(String((error as { type?: unknown }).type))) throw error;
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  private async shouldRestart(error: Error): Promise<boolean> {
    if (this.closing) return false;
    const config = this.bus.config;
    const now = Date.now();
    while (this.crashes.length > 0 && now - (this.crashes[0] as number) > config.restart_window_ms) this.crashes.shift();
    this.crashes.push(now);
    if (this.crashes.length > config.max_restarts) {
      this.fatal = new Error(
        `kafka: the consumer of ${this.name} (group ${this.bus.groupId(this.group)}) crashed ${this.crashes.length} times within ${config.restart_window_ms} ms; giving up: ${error.message}`,
        { cause: error },
      );
      return false;
    }
    this.bus.logger.warn('kafka: consumer crashed, restarting', { topic: this.name, group: this.group, crashes: this.crashes.length, error: error.message });
    return true;
  }

  private finish(error?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (error === undefined) {
      this.resolveDone();
      return;
    }
    void this.client?.disconnect().catch(() => undefined);
    this.rejectDone(error);
  }
}

function toMessage(record: BusRecord): Message {
  return {
    key: record.key,
    value: record.value,
    ...(record.headers && Object.keys(record.headers).length > 0 ? { headers: record.headers } : {}),
  };
}

function messageBytes(record: BusRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(record.key) + Buffer.byteLength(record.value);
  for (const [k, v] of Object.entries(record.headers ?? {})) bytes += Buffer.byteLength(k) + Buffer.byteLength(v) + 8;
  return bytes;
}

function toConsumed(topic: Topic, partition: number, message: KafkaMessage): ConsumedRecord {
  const headers = toHeaders(message.headers);
  return {
    topic,
    partition,
    // Kafka offsets are int64 strings; a Number is exact up to 2^53.
    offset: Number(message.offset),
    key: message.key?.toString('utf8') ?? '',
    value: message.value?.toString('utf8') ?? '',
    ...(headers ? { headers } : {}),
    timestamp: Number(message.timestamp),
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

function describeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const e = error as Error & { type?: unknown; errors?: unknown[]; groups?: unknown[] };
  return { name: e.name, message: e.message, type: e.type, errors: e.errors?.map(describeError), groups: e.groups };
}
