// A consumer of the Kafka bus: one kafkajs consumer in the bus's group.
//
// - Commits by hand, after the handler resolved, the offset after the last handled record; a
//   handler that throws gets the same records again after a back-off, never skipped.
// - Memory is bounded without a buffer of ours: kafkajs awaits eachBatch before its next fetch, so a
//   consumer holds at most one fetch response (fetch_max_bytes) while the handler runs.
// - A crashed consumer is restarted, after a back-off that doubles with each crash in the window:
//   kafkajs restarts it after a retriable error; after one kafkajs calls non-retriable but that only
//   says the cluster was out of reach ("Failed to find group coordinator" while a restarted broker
//   elects its coordinator), kafkajs gives up and a new kafkajs consumer is started here. A refusal
//   (an invalid setting, an authorisation failure) ends it at once. More than max_restarts crashes within
//   restart_window_ms end it, with `done` rejected.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Batch, Consumer as KafkaConsumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { KafkaBusConfig } from './config.js';
import type { Logger } from '../../../core/log.js';
import type { BatchHandler, ConsumedRecord, ConsumeOptions, Consumer, Topic } from '../types.js';
import { consumerSettings } from './client.js';
import { isTombstone, toConsumed } from './codec.js';
import { busError } from './errors.js';
import { EcouteError } from '../../../core/errors.js';

const DEFAULT_BATCH = 500;
const MAX_BACKOFF_MS = 30_000;
/** Errors after which this member no longer owns its partitions: retrying a commit is pointless. */
const REBALANCE_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);
/**
 * Errors kafkajs calls non-retriable that only say the cluster could not be reached for a while (a
 * broker restarting, paused, or electing its coordinator); a refusal of the broker (a protocol error
 * such as an invalid session timeout, an authorisation failure) is not among them and ends the
 * consumer at once.
 */
const TRANSIENT_CLUSTER_ERRORS = new Set([
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSMetadataNotLoaded',
]);

function isTransientClusterError(error: unknown): boolean {
  for (let e = error as { name?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (typeof e.name === 'string' && TRANSIENT_CLUSTER_ERRORS.has(e.name)) return true;
  }
  return false;
}

/** What a consumer needs of its bus. */
export interface ConsumerHost {
  readonly kafka: Kafka;
  readonly config: KafkaBusConfig;
  readonly logger: Logger;
  /** Connected, topics created. */
  start(): Promise<void>;
  topicName(topic: Topic): string;
  groupId(group: string): string;
}

export class KafkaBusConsumer implements Consumer {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private rejectDone!: (error: unknown) => void;
  private settled = false;
  private closing: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private client: KafkaConsumer | undefined;
  private started: Promise<void>;
  private readonly crashes: number[] = [];
  private fatal: Error | undefined;
  private readonly name: string;
  private readonly maxBatch: number;

  constructor(
    private readonly bus: ConsumerHost,
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
      ...consumerSettings(config, this.bus.groupId(this.group)),
      maxWaitTimeInMs: config.fetch_max_wait_ms,
      retry: { restartOnFailure: async (error) => this.shouldRestart(error) },
    });
    this.client = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) return;
      // restart=false: kafkajs already disconnected this consumer and will not bring it back.
      if (this.closing || this.fatal || !isTransientClusterError(payload.error)) {
        this.finish(this.closing ? undefined : (this.fatal ?? payload.error));
        return;
      }
      // kafkajs did not ask restartOnFailure (it judged the error non-retriable): start a new one.
      this.started = this.started.then(() => this.startAfterCrash(payload.error)).catch((error: unknown) => this.finish(error));
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      // A restart that was joining while close() ran: stop it again.
      if (this.closing && this.settled) void consumer.disconnect().catch(() => undefined);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.name], fromBeginning: true });
    if (this.closing) return;
    await consumer.run({
      // Each partition's batches in order, up to partitionsAtOnce partitions at a time (ConsumeOptions).
      partitionsConsumedConcurrently: Math.max(1, Math.floor(this.options.partitionsAtOnce ?? 1)),
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
      // Privacy (issue 14, gaps14): a tombstone (an erasure, codec.ts) is no record for a stage: skipped, committed past.
      const records = slice.filter((m) => !isTombstone(m)).map((m) => toConsumed(this.topic, batch.partition, m));
      if (records.length > 0 && !(await this.handle(records, heartbeat, isRunning))) return;
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

  /** A new kafkajs consumer after one kafkajs gave up on; a start that fails counts as a crash too. */
  private async startAfterCrash(crash: Error): Promise<void> {
    let error = crash;
    for (;;) {
      if (!(await this.shouldRestart(error))) {
        if (this.closing) return;
        throw this.fatal ?? error;
      }
      this.bus.logger.warn('kafka: starting a new consumer after kafkajs gave up', { topic: this.name, group: this.group, error: error.message });
      try {
        await this.client?.disconnect().catch(() => undefined);
        await this.start();
        return;
      } catch (failure) {
        if (!isTransientClusterError(failure)) throw failure;
        error = failure as Error; // a kafkajs error (isTransientClusterError matched its name)
      }
    }
  }

  /** Counts a crash; false when the budget is spent or the consumer is closing, else true after the back-off. */
  private async shouldRestart(error: Error): Promise<boolean> {
    if (this.closing) return false;
    const config = this.bus.config;
    const now = Date.now();
    while (this.crashes.length > 0 && now - (this.crashes[0] as number) > config.restart_window_ms) this.crashes.shift();
    this.crashes.push(now);
    if (this.crashes.length > config.max_restarts) {
      this.fatal = new EcouteError('BUS_CONSUMER_CRASHED',
        `kafka: the consumer of ${this.name} (group ${this.bus.groupId(this.group)}) crashed ${this.crashes.length} times within ${config.restart_window_ms} ms; giving up: ${error.message}`,
        { cause: error },
      );
      return false;
    }
    // A broker that restarts or is paused takes seconds to minutes: the back-off doubles so that the
    // budget covers an outage of minutes, not of max_restarts quick retries.
    const backoff = Math.min(MAX_BACKOFF_MS, config.restart_backoff_ms * 2 ** (this.crashes.length - 1));
    this.bus.logger.warn('kafka: consumer crashed, restarting', { topic: this.name, group: this.group, crashes: this.crashes.length, backoff_ms: backoff, error: error.message });
    await sleep(backoff, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    return !this.closing;
  }

  private finish(error?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (error === undefined) {
      this.resolveDone();
      return;
    }
    void this.client?.disconnect().catch(() => undefined);
    // What ends a consumer is kafkajs giving up (the handler's failures are retried, never fatal).
    this.rejectDone(busError(`the consumer of ${this.name} (group ${this.bus.groupId(this.group)}) stopped`, error));
  }
}
