// The @platformatic/kafka clients built from the bus configuration (the same keys as the kafkajs
// bus: brokers, client id, timeouts, fetch sizes, group timings).
import { Admin, Consumer, Producer, ProduceAcks, compatibilityPartitioner, stringSerializers } from '@platformatic/kafka';
import type { KafkaBusConfig } from '../kafka/config.js';
import { orderingKey } from '../kafka/codec.js';

/** What every client of the bus shares. Retries are bounded, so that a broker gone for good rejects. */
function baseOptions(config: KafkaBusConfig) {
  return {
    clientId: config.client_id,
    bootstrapBrokers: config.brokers,
    connectTimeout: config.connection_timeout_ms,
    timeout: config.request_timeout_ms,
    retries: 5,
    retryDelay: 250,
    // Topics are created by the admin at start (topics.ts), never by a produce or a fetch.
    autocreateTopics: false,
  };
}

export function createAdmin(config: KafkaBusConfig): Admin {
  return new Admin(baseOptions(config));
}

export type BusProducer = Producer<string, string, string, string>;

/**
 * Idempotent, acks from every in-sync replica; keys are hashed as the Java client and kafkajs do
 * (murmur2, positive), so a record goes to the same partition whichever client wrote it.
 */
export function createProducer(config: KafkaBusConfig): BusProducer {
  return new Producer({
    ...baseOptions(config),
    idempotent: true,
    acks: ProduceAcks.ALL,
    // Issue 15: lz4 by default (bus.compression); `none` is the library's default too.
    compression: config.compression,
    // Partitioned by the bus key (the Kafka key of mentions.dlq and alerts carries a unique suffix
    // for compaction, kafka/codec.ts), as the kafkajs bus does.
    partitioner: (message, key) => compatibilityPartitioner(message, key && Buffer.from(orderingKey(key.toString('utf8')))),
    serializers: stringSerializers,
  });
}

/** Raw Buffers in: the codec checks that values are UTF-8 before it decodes them. */
export type BusConsumer = Consumer<Buffer, Buffer, Buffer, Buffer>;

export function createConsumer(config: KafkaBusConfig, groupId: string, highWaterMark: number): BusConsumer {
  return new Consumer({
    ...baseOptions(config),
    groupId,
    sessionTimeout: config.session_timeout_ms,
    heartbeatInterval: config.heartbeat_interval_ms,
    rebalanceTimeout: config.rebalance_timeout_ms,
    maxBytes: config.fetch_max_bytes,
    maxBytesPerPartition: config.fetch_max_bytes_per_partition,
    maxWaitTime: config.fetch_max_wait_ms,
    autocommit: false,
    // The stream stops fetching once this many records wait: with the awaited handler, a consumer
    // holds about one batch plus one fetch response (fetch_max_bytes).
    highWaterMark,
  });
}
