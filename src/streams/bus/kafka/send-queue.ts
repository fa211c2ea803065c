// The producer side: `send` resolves once every in-sync replica has the records (idempotent
// producer, acks=-1). Records are keyed, and the key picks the partition (murmur2, as the Java
// client), so records with one key keep their order.
//
// Publishes are cut into chunks of at most produce_max_bytes and queued; one drain loop sends the
// queued chunks in order, several per request when they fit, so concurrent publishes share sends.
import type { ICustomPartitioner, Kafka, Message, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { KafkaBusConfig } from './config.js';
import { messageBytes, orderingKey, toMessage, type OutRecord } from './codec.js';
import { kafkajsCompression } from './compression.js';

/**
 * Java-compatible murmur2 on the bus key: a Kafka key made unique for compaction (codec.ts) still
 * lands in the partition of its bus key, so the records of one bus key keep their order.
 */
const orderedPartitioner: ICustomPartitioner = () => {
  const byKey = Partitioners.DefaultPartitioner();
  return ({ message, ...rest }) => {
    const key = message.key === null || message.key === undefined ? message.key : orderingKey(message.key.toString());
    return byKey({ ...rest, message: { ...message, key } });
  };
};

/** Retries of one produce request before `send` rejects (about a minute with the back-off). */
const PRODUCER_RETRIES = 8;

interface PendingSend {
  topic: string;
  messages: Message[];
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class SendQueue {
  private producer: Producer | undefined;
  private readonly queue: PendingSend[] = [];
  private draining: Promise<void> | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: KafkaBusConfig,
  ) {}

  /** Connects the producer now (the bus does at start), rather than at the first send. */
  async connect(): Promise<void> {
    this.producer = await this.newProducer();
  }

  /** Sends `records` to the Kafka topic `topic`: resolves once all are acknowledged, in order. */
  send(topic: string, records: OutRecord[]): Promise<void> {
    // Split so that no produce request exceeds produce_max_bytes; the chunks go out in order.
    const chunks: PendingSend[] = [];
    let current: Message[] = [];
    let bytes = 0;
    const flush = () => {
      if (current.length === 0) return;
      chunks.push({ topic, messages: current, bytes, resolve: () => undefined, reject: () => undefined });
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
    return Promise.all(
      chunks.map(
        (chunk) =>
          new Promise<void>((resolve, reject) => {
            chunk.resolve = resolve;
            chunk.reject = reject;
            this.enqueue(chunk);
          }),
      ),
    ).then(() => undefined);
  }

  /** Resolves once nothing is being sent. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Waits for the sends in flight, then disconnects the producer. */
  async close(): Promise<void> {
    await this.idle();
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  private async newProducer(): Promise<Producer> {
    const producer = this.kafka.producer({
      idempotent: true,
      // Java-compatible murmur2 on the bus key (also silences kafkajs' partitioner warning).
      createPartitioner: orderedPartitioner,
      allowAutoTopicCreation: false,
      // Bounded, so that a broker gone for good makes send reject instead of hanging forever; the
      // producer is replaced after a failed send (see drain), so sequence numbers never get reused.
      retry: { retries: PRODUCER_RETRIES },
    });
    await producer.connect();
    return producer;
  }

  private enqueue(chunk: PendingSend): void {
    this.queue.push(chunk);
    this.kick();
  }

  /** Starts the drain loop unless it runs. */
  private kick(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  /** Sends queued chunks, several per request when they fit, until the queue is empty. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.takeRequest();
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
          compression: kafkajsCompression(this.config.compression),
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
