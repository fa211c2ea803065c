// Configuration of the Kafka bus (`bus.type: kafka`), declared beside the bus; src/config/
// assembles it into the whole schema.
import { z } from 'zod';
import { bytes, duration } from '../../../core/config/fields.js';
import { KafkaClientSchema } from '../platformatic/config.js'; // issue 15, H7: the client library
import zlib from 'node:zlib';

/** Issue 15: producer compression (the codecs: compression.ts). */
export const COMPRESSIONS = ['none', 'gzip', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** zlib's zstd arrived in Node 22.15 / 23.8: on Node 20 `bus.compression: zstd` is refused. */
export function compressionAvailable(compression: Compression): boolean {
  return compression !== 'zstd' || typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function';
}

export const KafkaBusSchema = z
  .strictObject({
    type: z.literal('kafka').describe('Apache Kafka through kafkajs: partitions, consumer groups, idempotent producer.'),
    brokers: z
      .array(z.string().regex(/^[^\s:/]+:\d+$/, 'must be host:port'))
      .min(1)
      .default(['127.0.0.1:19092'])
      .describe('Bootstrap brokers as host:port. Prefer 127.0.0.1 to localhost (Node may try ::1 first).'),
    client: KafkaClientSchema, // issue 15, H7: kafkajs | platformatic
    client_id: z.string().min(1).default('ecoute').describe('Client id the brokers see in their logs and quotas.'),
    topic_prefix: z
      .string()
      .regex(/^[A-Za-z0-9._-]*$/, 'may hold only letters, digits, ".", "_" and "-"')
      .default('ecoute.')
      .describe(
        'Prefix of the topic names (ecoute.mentions.raw, ecoute.mentions.analyzed, ecoute.alerts, ecoute.mentions.dlq) and of the consumer group ids, so deployments with different prefixes share nothing on one cluster.',
      ),
    partitions: z
      .number()
      .int()
      .positive()
      .default(3)
      .describe('Partitions of each topic created at start (the most consumer processes a stage can use). Existing topics are left as they are.'),
    replication_factor: z.number().int().positive().default(1).describe('Replicas of each topic created at start (1 on a single broker).'),
    session_timeout_ms: duration('A consumer that sends no heartbeat for this long is removed from its group and its partitions reassigned', 30_000),
    heartbeat_interval_ms: duration('How often a consumer heartbeats to its group coordinator (about a third of session_timeout_ms)', 3_000),
    rebalance_timeout_ms: duration(
      'How long a rebalance waits for members to rejoin; a member still in its handler rejoins when the handler returns, so keep it above the longest batch',
      60_000,
    ),
    connection_timeout_ms: duration('Time to open a connection to a broker', 3_000),
    request_timeout_ms: duration('Time a broker has to answer a request', 30_000),
    fetch_max_wait_ms: duration('How long a fetch waits at the broker for records to arrive (also bounds how long close() waits for an idle consumer)', 500),
    fetch_max_bytes: bytes('Largest fetch response: with the awaited handler, this bounds the memory of a consumer', 10 * 1024 * 1024),
    fetch_max_bytes_per_partition: bytes('Largest part of a fetch response from one partition', 1024 * 1024),
    produce_max_bytes: bytes(
      'Largest produce request: larger publishes are split into several sends, in order (keep it below the broker message.max.bytes, 1 MiB by default)',
      900_000,
    ),
    compression: z
      .enum(COMPRESSIONS)
      .default('lz4')
      .refine(compressionAvailable, { message: 'zstd needs Node 22.15 or later (node:zlib zstd); use lz4' })
      .describe(
        'Compression of the record batches producers send (either client): lz4 (the default: fast, about a third of the bytes of JSON mentions), zstd (Node 22.15 or later), gzip or none. Consumers read every codec whatever this says.',
      ),
    retry_backoff_ms: duration('First back-off after a handler failed; it doubles on each failure of the same records, up to 30 s', 200),
    max_restarts: z
      .number()
      .int()
      .nonnegative()
      .default(10)
      .describe('A consumer whose Kafka client crashed (retries exhausted) more than this many times within restart_window_ms stops with an error, so the process exits non-zero instead of idling stuck.'),
    restart_window_ms: duration('Window over which max_restarts counts consumer crashes', 10 * 60_000),
    restart_backoff_ms: duration('Wait before restarting a crashed consumer; it doubles with each crash within restart_window_ms, up to 30 s', 500),
    // Privacy (issue 14, gaps14): compacted topics, so that an erasure removes records (docs/privacy.md).
    erasure_max_lag_ms: duration(
      "Longest time an erased record stays in a topic after its tombstone: Kafka's max.compaction.lag.ms on the topics created at start (the segment is rolled and compacted within it; traffic must flow, a roll happens at an append)",
      24 * 60 * 60_000,
    ),
    topic_config: z
      .record(z.string().regex(/^[a-z][a-z0-9.]*$/, 'must be a Kafka topic config name'), z.string())
      .default({})
      .describe(
        'More Kafka topic configs for the topics created at start, e.g. {"retention.ms": "604800000"}; cleanup.policy is always compact,delete (retention still applies). Existing topics are left as they are.',
      ),
    log_level: z
      .enum(['nothing', 'error', 'warn', 'info', 'debug'])
      .default('error')
      .describe('Level of the kafkajs client logs routed to the écoute log (on stderr, as warnings).'),
  })
  .refine((bus) => bus.heartbeat_interval_ms < bus.session_timeout_ms, {
    message: 'must be lower than session_timeout_ms',
    path: ['heartbeat_interval_ms'],
  })
  .describe('Kafka bus: topics created at start, consumer groups with manual commits after the handler resolved.');

export type KafkaBusConfig = z.output<typeof KafkaBusSchema>;
export type KafkaBusInput = z.input<typeof KafkaBusSchema>;
