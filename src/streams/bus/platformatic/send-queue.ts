// The producer side: `send` resolves once every in-sync replica has the records (idempotent
// producer, acks=all). Publishes are cut into chunks of at most produce_max_bytes and queued; one
// drain loop sends the queued chunks in order, several per request when they fit, so concurrent
// publishes share sends (as the kafkajs bus's send queue).
import type { MessageToProduce } from '@platformatic/kafka';
import type { KafkaBusConfig } from '../kafka/config.js';
import type { BusRecord, Topic } from '../types.js';
import { createProducer, type BusProducer } from './client.js';
import { messageBytes, toMessage } from './codec.js';

type OutMessage = MessageToProduce<string, string, string, string>;

interface PendingSend {
  messages: OutMessage[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class SendQueue {
  private producer: BusProducer | undefined;
  private readonly queue: PendingSend[] = [];
  private draining: Promise<void> | undefined;

  constructor(private readonly config: KafkaBusConfig) {}

  /** Creates the producer and gets its producer id now (the bus does at start), not at the first send. */
  async connect(): Promise<void> {
    this.producer ??= createProducer(this.config);
    await this.producer.metadata({ topics: [] });
  }

  /** Sends `records` to the Kafka topic `topic`: resolves once all are acknowledged, in order. */
  send(topic: string, busTopic: Topic, records: BusRecord[]): Promise<void> {
    const chunks: PendingSend[] = [];
    let current: OutMessage[] = [];
    let bytes = 0;
    const flush = () => {
      if (current.length === 0) return;
      chunks.push({ messages: current, bytes, resolve: () => undefined, reject: () => undefined });
      current = [];
      bytes = 0;
    };
    for (const record of records) {
      const size = messageBytes(record);
      if (current.length > 0 && bytes + size > this.config.produce_max_bytes) flush();
      current.push(toMessage(topic, busTopic, record));
      bytes += size;
    }
    flush();
    return Promise.all(
      chunks.map(
        (chunk) =>
          new Promise<void>((resolve, reject) => {
            chunk.resolve = resolve;
            chunk.reject = reject;
            this.queue.push(chunk);
            this.kick();
          }),
      ),
    ).then(() => undefined);
  }

  /** Resolves once nothing is being sent. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Waits for the sends in flight, then closes the producer. */
  async close(): Promise<void> {
    await this.idle();
    await this.producer?.close().catch(() => undefined);
    this.producer = undefined;
  }

  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.takeRequest();
      try {
        this.producer ??= createProducer(this.config);
        await this.producer.send({ messages: group.flatMap((p) => p.messages) });
        for (const pending of group) pending.resolve();
      } catch (error) {
        for (const pending of group) pending.reject(error);
        // A send that failed may still have been written: a new producer (new id) keeps the next
        // records from being taken for retries of these and dropped as duplicates.
        const failed = this.producer;
        this.producer = undefined;
        await failed?.close().catch(() => undefined);
      }
    }
  }

  /** The queued chunks that fit in one produce request (always at least one). */
  private takeRequest(): PendingSend[] {
    const group: PendingSend[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as PendingSend;
      if (group.length > 0 && bytes + next.bytes > this.config.produce_max_bytes) break;
      group.push(next);
      bytes += next.bytes;
      this.queue.shift();
    }
    return group;
  }
}
