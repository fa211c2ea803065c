// Opens the two seams a config asks for. This is the one place that knows which implementation
// backs `bus.type` and `store.type`; everything else sees Bus and MentionStore.
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { authorKeySecret } from '../core/author-key.js';
import { createLogger, type Logger } from '../core/log.js';
import { checkDataDir, resetDataFiles } from '../core/sqlite.js';
import { SqliteCursorStore, type CursorStore } from '../connectors/cursors.js';
import { SqliteStatusStore, type StatusStore } from '../connectors/status-store.js';
import { EmbeddedBus } from '../streams/bus/embedded.js';
import { KafkaBus } from '../streams/bus/kafka.js';
import { PlatformaticBus } from '../streams/bus/platformatic/index.js'; // issue 15, H7: the Kafka client
import type { Bus } from '../streams/bus/types.js';
import { EmbeddedMentionStore } from '../store/embedded/index.js';
import { ElasticsearchMentionStore } from '../store/elasticsearch/index.js';
import type { MentionStore } from '../store/types.js';
import { openAlertStore, type AlertStore } from '../alerts/store/index.js';
// Operations (issue 14, ops14): every composed bus and store is measured.
import { operatedBus } from '../ops/metered-bus.js';
import { meteredStore } from '../ops/metered-store.js';
import { openPrivacyLedger, suppressingBus, type PrivacyLedger } from '../privacy/index.js';

export interface Runtime {
  config: Readonly<Config>;
  dataDir: string;
  bus: Bus;
  store: MentionStore;
  cursors: CursorStore;
  /** Connector status, beside the cursors, for `ecoute connectors status` in another process. */
  statusStore: StatusStore;
  /** Alerts, incidents and the notifiers' delivery log (data_dir/alerts.sqlite, or Elasticsearch). */
  alertStore: AlertStore;
  authorKeySecret: string;
  /** Privacy (issue 14, H4): the suppression list and erasure log; `bus` drops erased authors' raw mentions. */
  privacy: PrivacyLedger;
  close(): Promise<void>;
}

export interface PrepareOptions {
  /** Data files (by kind name: bus, store, connectors, dedup, replay-guard) to start empty on purpose. */
  reset?: readonly string[];
  log?: Logger;
}

/**
 * The start-up check of the long-running commands: resets what was asked, then checks every data
 * file under data_dir and refuses to start (DATA_FILE_DAMAGED, naming each file and what to do)
 * on one that is damaged, missing or emptied. Opening a file checks it too, but this reads every
 * page once (quick_check) and lists every problem at once.
 */
export function prepareDataDir(config: Readonly<Config>, options: PrepareOptions = {}): void {
  const dataDir = resolve(config.data_dir);
  if (options.reset && options.reset.length > 0) resetDataFiles(dataDir, options.reset, options.log ?? createLogger());
  checkDataDir(dataDir);
}

export function openBus(config: Readonly<Config>): Bus {
  return operatedBus(openPlainBus(config), config.ops);
}

function openPlainBus(config: Readonly<Config>): Bus {
  const dataDir = resolve(config.data_dir);
  switch (config.bus.type) {
    case 'embedded':
      // The WAL's checkpoints in a thread: the main thread answers the webhook and the API (issue 15).
      return new EmbeddedBus({ file: join(dataDir, 'bus.sqlite'), retentionMs: config.bus.retention_ms, pollIntervalMs: config.bus.poll_interval_ms, checkpointInThread: true });
    case 'kafka':
      // Connects and creates its topics on first use (or `await bus.start()`), so this stays synchronous.
      // Issue 15, H7: `bus.client` picks the client library; both pass the Bus contract.
      if (config.bus.client === 'platformatic') return new PlatformaticBus(config.bus, { logger: createLogger({ component: 'kafka' }) });
      return new KafkaBus(config.bus, { logger: createLogger({ component: 'kafka' }) });
  }
}

export async function openStore(config: Readonly<Config>): Promise<MentionStore> {
  const dataDir = resolve(config.data_dir);
  let store: MentionStore;
  switch (config.store.type) {
    case 'embedded':
      store = new EmbeddedMentionStore({ file: join(dataDir, 'store.sqlite') });
      break;
    case 'elasticsearch': {
      const es = config.store;
      store = new ElasticsearchMentionStore({
        node: es.node,
        indexPrefix: es.index_prefix,
        shards: es.shards,
        replicas: es.replicas,
        refreshIntervalMs: es.refresh_interval_ms,
        refreshOnWrite: es.refresh_on_write,
        requestTimeoutMs: es.request_timeout_ms,
        requestMaxRetries: es.request_max_retries,
        bulkMaxRetries: es.bulk_max_retries,
        bulkRetryBackoffMs: es.bulk_retry_backoff_ms,
        bulkMaxBytes: es.bulk_max_bytes,
        pitKeepAliveMs: es.pit_keep_alive_ms,
      });
      break;
    }
  }
  await store.ensureSchema();
  return meteredStore(store, config.store.type);
}

export async function openRuntime(config: Readonly<Config>, options: PrepareOptions & { check?: boolean } = {}): Promise<Runtime> {
  const dataDir = resolve(config.data_dir);
  if (options.check) prepareDataDir(config, options);
  const opened: { close(): unknown }[] = [];
  // What was opened is closed again if a later file is refused, so the error is all that is left.
  const open = async <T extends { close(): unknown }>(make: () => T | Promise<T>): Promise<T> => {
    const value = await make();
    opened.push(value);
    return value;
  };
  let bus: Bus, store: MentionStore, cursors: SqliteCursorStore, statusStore: SqliteStatusStore, alertStore: AlertStore, privacy: PrivacyLedger;
  try {
    bus = await open(() => openBus(config));
    store = await open(() => openStore(config));
    cursors = await open(() => new SqliteCursorStore(join(dataDir, 'connectors.sqlite')));
    statusStore = await open(() => new SqliteStatusStore(join(dataDir, 'connectors.sqlite')));
    alertStore = await open(() => openAlertStore(config));
    privacy = await open(() => openPrivacyLedger(config));
  } catch (error) {
    for (const o of opened.reverse()) await Promise.resolve(o.close()).catch(() => undefined);
    throw error;
  }
  return {
    config,
    dataDir,
    // Privacy (issue 14, H4): every connector and `ecoute ingest` publish through this.
    bus: suppressingBus(bus, privacy, authorKeySecret(dataDir)),
    store,
    cursors,
    statusStore,
    alertStore,
    privacy,
    authorKeySecret: authorKeySecret(dataDir),
    async close() {
      await bus.close();
      await store.close();
      cursors.close();
      statusStore.close();
      await alertStore.close();
      await privacy.close();
    },
  };
}
