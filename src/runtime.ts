// Opens the two seams a config asks for. This is the one place that knows which implementation
// backs `bus.type` and `store.type`; everything else sees Bus and MentionStore.
import { join, resolve } from 'node:path';
import type { Config } from './config/schema.js';
import { authorKeySecret } from './core/author-key.js';
import { createLogger } from './core/log.js';
import { SqliteCursorStore, type CursorStore } from './connectors/cursors.js';
import { SqliteStatusStore, type StatusStore } from './connectors/status-store.js';
import { EmbeddedBus } from './streams/bus/embedded.js';
import { KafkaBus } from './streams/bus/kafka.js';
import type { Bus } from './streams/bus/types.js';
import { EmbeddedMentionStore } from './store/embedded/index.js';
import { ElasticsearchMentionStore } from './store/elasticsearch/index.js';
import type { MentionStore } from './store/types.js';

export interface Runtime {
  config: Readonly<Config>;
  dataDir: string;
  bus: Bus;
  store: MentionStore;
  cursors: CursorStore;
  /** Connector status, beside the cursors, for `ecoute connectors status` in another process. */
  statusStore: StatusStore;
  authorKeySecret: string;
  close(): Promise<void>;
}

export function openBus(config: Readonly<Config>): Bus {
  const dataDir = resolve(config.data_dir);
  switch (config.bus.type) {
    case 'embedded':
      return new EmbeddedBus({ file: join(dataDir, 'bus.sqlite'), retentionMs: config.bus.retention_ms, pollIntervalMs: config.bus.poll_interval_ms });
    case 'kafka':
      // Connects and creates its topics on first use (or `await bus.start()`), so this stays synchronous.
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
  return store;
}

export async function openRuntime(config: Readonly<Config>): Promise<Runtime> {
  const dataDir = resolve(config.data_dir);
  const bus = openBus(config);
  const store = await openStore(config);
  const cursors = new SqliteCursorStore(join(dataDir, 'connectors.sqlite'));
  const statusStore = new SqliteStatusStore(join(dataDir, 'connectors.sqlite'));
  return {
    config,
    dataDir,
    bus,
    store,
    cursors,
    statusStore,
    authorKeySecret: authorKeySecret(dataDir),
    async close() {
      await bus.close();
      await store.close();
      cursors.close();
      statusStore.close();
    },
  };
}
