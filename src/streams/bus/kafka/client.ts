// The kafkajs client built from the bus configuration: brokers, timeouts, where its logs go, and
// the consumer settings every consumer of the bus shares.
import { Kafka, logLevel as KafkaLogLevel, type ConsumerConfig, type LogEntry } from 'kafkajs';
import type { KafkaBusConfig } from './config.js';
import type { Logger } from '../../../core/log.js';
import './compression.js'; // registers kafkajs' LZ4 and ZSTD codecs before any client sends or reads

const LOG_LEVELS: Record<KafkaBusConfig['log_level'], KafkaLogLevel> = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

export function createKafka(config: KafkaBusConfig, logger: Logger): Kafka {
  return new Kafka({
    clientId: config.client_id,
    brokers: config.brokers,
    connectionTimeout: config.connection_timeout_ms,
    requestTimeout: config.request_timeout_ms,
    logLevel: LOG_LEVELS[config.log_level],
    logCreator: () => (entry) => logKafka(logger, entry),
  });
}

function logKafka(logger: Logger, { namespace, level, log }: LogEntry): void {
  const { message, timestamp: _timestamp, logger: _logger, stack: _stack, ...fields } = log;
  const text = `kafkajs ${namespace}: ${message}`;
  // Connection logs every error response at ERROR, also those the client then handles (retries,
  // rejoining a rebalancing group); what is not handled surfaces as a crash or a rejection.
  if (level <= KafkaLogLevel.WARN && namespace !== 'Connection') logger.warn(text, fields);
  else logger.debug(text, fields);
}

/** Group membership and fetch sizes, as configured; topics are never auto-created. */
export function consumerSettings(config: KafkaBusConfig, groupId: string): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: config.session_timeout_ms,
    heartbeatInterval: config.heartbeat_interval_ms,
    rebalanceTimeout: config.rebalance_timeout_ms,
    maxBytes: config.fetch_max_bytes,
    maxBytesPerPartition: config.fetch_max_bytes_per_partition,
    allowAutoTopicCreation: false,
  };
}
