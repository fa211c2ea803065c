// A consumer of the bus through @platformatic/kafka: one client in the bus's group, reading its
// partitions as a stream.
//
// - Commits by hand, after the handler resolved, the offset after the last handled record of each
//   partition in the batch; a handler that throws gets the same records again after a back-off
//   (doubling, up to 30 s), never skipped.
// - Memory is bounded: the stream stops fetching once PREFETCH_BATCHES × `maxBatch` records wait
//   (its highWaterMark), and the next batch is read only once the previous one is committed, so a
//   consumer holds at most those records plus one fetch response (fetch_max_bytes).
// - The client heartbeats on its own timer, so a long handler does not cost the group membership;
//   a rebalance makes the stream re-read from the committed offsets (at-least-once).
// - A stream or client that fails is restarted (new client, from the committed offsets); more than
//   max_restarts failures within restart_window_ms end the consumer with `done` rejected.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, MessagesStream } from '@platformatic/kafka';
import type { KafkaBusConfig } from '../kafka/config.js';
import type { Logger } from '../../../core/log.js';
import type { BatchHandler, ConsumedRecord, ConsumeOptions, Consumer, Topic } from '../types.js';
import { createConsumer, type BusConsumer } from './client.js';
import { fromStream, isTombstone } from './codec.js';
import { describeError, needsRejoin, platformaticError } from './errors.js';
import { EcouteError } from '../../../core/errors.js';

const DEFAULT_BATCH = 500;
const MAX_BACKOFF_MS = 30_000;
/** The stream fetches again while this many batches still wait, so the handler rarely waits for a fetch. */
const PREFETCH_BATCHES = 4;

type RawMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** What a consumer needs of its bus. */
export interface ConsumerHost {
  readonly config: KafkaBusConfig;
  readonly logger: Logger;
  /** Connected, topics created. */
  start(): Promise<void>;
  topicName(topic: Topic): string;
  groupId(group: string): string;
}

export class PlatformaticBusConsumer implements Consumer {
  readonly done: Promise<void>;
  private closing: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private readonly crashes: number[] = [];
  private readonly name: string;
  private readonly maxBatch: number;
  /** Wakes the batch loop waiting for records (new records, a stream error, close()). */
  private wake: () => void = () => undefined;

  constructor(
    private readonly bus: ConsumerHost,
    private readonly topic: Topic,
    private readonly group: string,
    private readonly handler: BatchHandler,
    private readonly options: ConsumeOptions,
  ) {
    this.name = bus.topicName(topic);
    this.maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_BATCH);
    this.done = this.run().catch((error: unknown) => {
      throw platformaticError(`the consumer of ${this.name} (group ${this.bus.groupId(this.group)}) stopped`, error);
    });
    this.done.catch(() => undefined); // awaited by whoever holds the consumer
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping.abort();
      this.wake();
      // Lets the batch in flight finish and commit; a consumer that failed is closed all the same.
      await this.done.catch(() => undefined);
    })();
    return this.closing;
  }

  private async run(): Promise<void> {
    await this.bus.start();
    const config = this.bus.config;
    while (!this.closing) {
      try {
        await this.session();
        return;
      } catch (error) {
        if (this.closing) return;
        const now = Date.now();
        while (this.crashes.length > 0 && now - (this.crashes[0] as number) > config.restart_window_ms) this.crashes.shift();
        this.crashes.push(now);
        if (this.crashes.length > config.max_restarts) {
          throw new EcouteError(
            'BUS_CONSUMER_CRASHED',
            `kafka: the consumer of ${this.name} (group ${this.bus.groupId(this.group)}) failed ${this.crashes.length} times within ${config.restart_window_ms} ms; giving up: ${describeError(error)}`,
            { cause: error },
          );
        }
        this.bus.logger.warn('kafka: consumer failed, restarting', { topic: this.name, group: this.group, crashes: this.crashes.length, error: describeError(error) });
        await sleep(Math.min(MAX_BACKOFF_MS, config.restart_backoff_ms * 2 ** (this.crashes.length - 1)), undefined, { signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  /** One client and its stream, until close() (resolves) or a failure (rejects). */
  private async session(): Promise<void> {
    const config = this.bus.config;
    const client = createConsumer(config, this.bus.groupId(this.group), this.maxBatch * PREFETCH_BATCHES);
    let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
    let failure: unknown;
    try {
      stream = await client.consume({
        topics: [this.name],
        // From the group's commits; where it never committed, from the first record.
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: false,
        sessionTimeout: config.session_timeout_ms,
        heartbeatInterval: config.heartbeat_interval_ms,
        rebalanceTimeout: config.rebalance_timeout_ms,
      });
      const failed = (error: unknown) => {
        failure ??= error ?? new EcouteError('BUS_UNAVAILABLE', `kafka: the stream of ${this.name} closed`);
        this.wake();
      };
      stream.on('error', failed);
      stream.on('close', () => failed(undefined));
      stream.on('readable', () => this.wake());
      const window = Math.max(1, Math.floor(this.options.partitionsAtOnce ?? 1));
      if (window > 1) await this.windowed(client, stream, window, () => failure);
      else
        for (;;) {
          const batch = await this.nextBatch(stream, () => failure);
          if (!batch) break;
          // Tombstones (an erasure's) are committed past, never handed to the handler.
          const records = batch.filter((m) => !isTombstone(m)).map((m) => fromStream(this.topic, m));
          if (records.length > 0 && !(await this.handle(records))) break;
          await this.commit(client, batch);
        }
      if (failure !== undefined && !this.closing) throw failure;
    } finally {
      await stream?.close().catch(() => undefined);
      // Leaves the group; a client that cannot say goodbye is closed by force.
      await client.close().catch(() => new Promise<void>((resolve) => client.close(true, () => resolve())));
    }
  }

  /**
   * Issue 15 (dist17): `partitionsAtOnce` > 1, as kafkajs' partitionsConsumedConcurrently: batches
   * of one partition each, up to `window` of them in the handler at once (the index stage keeps two
   * bulk requests in flight this way), each partition's batches one after the other and committed
   * in order. Records read from the stream wait in a queue per partition; the stream itself stops
   * fetching at its highWaterMark, and the queues hold at most PREFETCH_BATCHES × window batches, so
   * memory stays bounded. A handler that throws is retried as in the plain loop; a failed commit
   * or stream lets the batches in flight finish, then ends the session (restarted from the commits).
   */
  private async windowed(client: BusConsumer, stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, window: number, failure: () => unknown): Promise<void> {
    const queued = new Map<number, RawMessage[]>();
    const busy = new Set<number>();
    const running = new Set<Promise<void>>();
    let broken: unknown;
    let stopped = false;
    let buffered = 0;
    // Room for each of the window's partitions to have batches waiting even when the stream hands
    // one partition's records first (a fetch response is per partition).
    const limit = this.maxBatch * PREFETCH_BATCHES * window;
    for (;;) {
      if (this.closing || failure() !== undefined || broken !== undefined || stopped) break;
      while (buffered < limit) {
        const message = stream.read() as RawMessage | null;
        if (message === null) break;
        const list = queued.get(message.partition) ?? [];
        list.push(message);
        queued.set(message.partition, list);
        buffered++;
      }
      for (const [partition, list] of queued) {
        if (running.size >= window) break;
        if (busy.has(partition) || list.length === 0) continue;
        const batch = list.splice(0, this.maxBatch);
        buffered -= batch.length;
        busy.add(partition);
        const task = (async () => {
          const records = batch.filter((m) => !isTombstone(m)).map((m) => fromStream(this.topic, m));
          if (records.length > 0 && !(await this.handle(records))) {
            stopped = true; // closing: this batch stays uncommitted
            return;
          }
          await this.commit(client, batch);
        })()
          .catch((error: unknown) => {
            broken ??= error;
          })
          .finally(() => {
            busy.delete(partition);
            running.delete(task);
            this.wake();
          });
        running.add(task);
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    // The batches in flight finish (and commit) before the session ends.
    await Promise.all(running);
    if (broken !== undefined) throw broken;
  }

  /** Up to maxBatch records, once some are there; undefined once closing (or the stream failed). */
  private async nextBatch(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>, failure: () => unknown): Promise<RawMessage[] | undefined> {
    for (;;) {
      if (this.closing || failure() !== undefined) return undefined;
      const batch: RawMessage[] = [];
      while (batch.length < this.maxBatch) {
        const message = stream.read() as RawMessage | null;
        if (message === null) break;
        batch.push(message);
      }
      if (batch.length > 0) return batch;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Runs the handler until it resolves (true), or until the consumer stops (false). */
  private async handle(records: ConsumedRecord[]): Promise<boolean> {
    const config = this.bus.config;
    let failures = 0;
    for (;;) {
      try {
        await this.handler(records);
        return true;
      } catch (error) {
        failures++;
        this.options.onError?.(error, records);
      }
      // At-least-once: nothing committed; the same records again after a back-off.
      const backoff = Math.min(MAX_BACKOFF_MS, config.retry_backoff_ms * 2 ** Math.min(failures - 1, 16));
      await sleep(backoff, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      if (this.closing) return false;
    }
  }

  /** Commits, per partition of the batch, the offset after its last record (also while closing). */
  private async commit(client: BusConsumer, batch: RawMessage[]): Promise<void> {
    const next = new Map<number, bigint>();
    for (const m of batch) if ((next.get(m.partition) ?? -1n) < m.offset + 1n) next.set(m.partition, m.offset + 1n);
    const offsets = [...next].map(([partition, offset]) => ({ topic: this.name, partition, offset, leaderEpoch: -1 }));
    for (let attempt = 1; ; attempt++) {
      try {
        await client.commit({ offsets });
        return;
      } catch (error) {
        // Lost the partitions to a rebalance: their next owner handles these records again.
        if (needsRejoin(error)) {
          this.bus.logger.warn('kafka: commit refused after a rebalance; the records will be handled again', { topic: this.name, group: this.group });
          return;
        }
        if (attempt >= 5) throw error;
        await sleep(100 * 2 ** attempt);
      }
    }
  }
}
