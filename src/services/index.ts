// Real Kafka and Elasticsearch on 127.0.0.1 without Docker: `ecoute services up | down | status`,
// the end-to-end tests and CI all go through these three functions. Node built-ins only.
//
//   kafka          127.0.0.1:19092 (KRaft controller on 19093), jars from Maven Central
//   elasticsearch  http://127.0.0.1:19200 (transport 19300), integ-test-zip from Maven Central
//
// Downloads are cached in ~/.cache/ecoute (ECOUTE_CACHE_DIR); data, logs, configs and pid files live
// in /var/tmp/ecoute-services (ECOUTE_SERVICES_DIR). Calls from several processes at once (parallel
// test workers) are serialized by a lock file there.
import { EcouteError } from '../core/errors.js';
import { type Log, type ServiceName, type ServiceStatus, withLock } from './common.js';
import { elasticsearchDown, elasticsearchStatus, elasticsearchUp } from './elasticsearch.js';
import { kafkaDown, kafkaStatus, kafkaUp } from './kafka.js';

export { KAFKA_BROKER, ELASTICSEARCH_URL, cacheDir, stateDir } from './common.js';
export type { ServiceName, ServiceStatus } from './common.js';
export { KAFKA_VERSION, kafkaApiVersions, kafkaMetadata } from './kafka.js';
export { ES_VERSION } from './elasticsearch.js';
// Private instances (fault tests): their own ports, folder and pid, started and stopped one by one,
// never through servicesUp/servicesDown, which only ever handle the shared default instances.
export { type KafkaInstance, defaultKafka, kafkaUp, kafkaDown, kafkaStatus, kafkaPid } from './kafka.js';
export { type ElasticsearchInstance, defaultElasticsearch, elasticsearchUp, elasticsearchDown, elasticsearchStatus, elasticsearchPid } from './elasticsearch.js';

export const SERVICE_NAMES: readonly ServiceName[] = ['kafka', 'elasticsearch'];

export interface ServicesOptions {
  /** Only these services (default: both). */
  only?: ServiceName[];
  /** Progress lines (downloads, starts, log tails on failure). */
  log?: (line: string) => void;
}

export interface ServicesUpOptions extends ServicesOptions {
  /** Wipe the data dirs of the services we start (a server not started by us is left alone). */
  fresh?: boolean;
}

/** Thrown by servicesUp when a service could not be brought up; `statuses` says where each one is. */
export class ServicesError extends EcouteError {
  constructor(
    message: string,
    readonly statuses: ServiceStatus[],
  ) {
    super('SERVICE_START_FAILED', message);
    this.name = 'ServicesError';
  }
}

const selected = (only?: ServiceName[]) => SERVICE_NAMES.filter((n) => !only || only.includes(n));

const statusOf: Record<ServiceName, () => Promise<ServiceStatus>> = { kafka: kafkaStatus, elasticsearch: elasticsearchStatus };

/**
 * Starts what is not running, waits until each answers its protocol, and returns their statuses.
 * Idempotent: a server already running (ours, or anyone's answering on the port) is fine as it is.
 * Downloads on first use (Maven Central, cached). Throws ServicesError when one does not come up.
 */
export async function servicesUp(opts: ServicesUpOptions = {}): Promise<ServiceStatus[]> {
  const names = selected(opts.only);
  return withLock('services', async () => {
    const up: Record<ServiceName, (o: { log?: Log; fresh?: boolean }) => Promise<ServiceStatus>> = { kafka: kafkaUp, elasticsearch: elasticsearchUp };
    const o: { log?: Log; fresh?: boolean } = {};
    if (opts.log) o.log = opts.log;
    if (opts.fresh) o.fresh = true;
    // Both at once: Kafka is up in seconds, Elasticsearch takes longer; downloads overlap too.
    const settled = await Promise.allSettled(names.map((n) => up[n](o)));
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [(s.reason as Error).message] : []));
    const statuses = await Promise.all(names.map((n) => statusOf[n]()));
    if (failures.length > 0) throw new ServicesError(failures.join('\n\n'), statuses);
    return statuses;
  });
}

/** Stops only what servicesUp started (pid files), waiting until each process is gone. */
export async function servicesDown(opts: ServicesOptions = {}): Promise<ServiceStatus[]> {
  const names = selected(opts.only);
  return withLock('services', async () => {
    const down: Record<ServiceName, (o: { log?: Log }) => Promise<ServiceStatus>> = { kafka: kafkaDown, elasticsearch: elasticsearchDown };
    const o = opts.log ? { log: opts.log } : {};
    return Promise.all(names.map((n) => down[n](o)));
  });
}

export async function servicesStatus(opts: Pick<ServicesOptions, 'only'> = {}): Promise<ServiceStatus[]> {
  return Promise.all(selected(opts.only).map((n) => statusOf[n]()));
}

/** One line per service, as `ecoute services status` prints it. */
export function formatStatus(s: ServiceStatus): string {
  const state = s.running ? 'running' : 'stopped';
  const who = s.startedByUs ? `pid ${s.pid}` : s.running ? 'external' : '-';
  return `${s.name.padEnd(13)} ${state.padEnd(7)} ${who.padEnd(10)} ${s.endpoint}${s.detail ? `  (${s.detail})` : ''}`;
}
