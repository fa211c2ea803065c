// The AlertStore a config asks for: embedded → data_dir/alerts.sqlite; store.type elasticsearch →
// the indices <index_prefix>-alerts, -incidents and -deliveries on the same cluster as the mentions.
import { join, resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { ElasticsearchAlertStore } from './elasticsearch.js';
import { SqliteAlertStore } from './sqlite.js';
import type { AlertStore } from './types.js';

export type { AlertQuery, AlertStore, DeliveryRecord, DeliveryStatus } from './types.js';
export { SqliteAlertStore, ALERTS_SCHEMA_VERSION } from './sqlite.js';
export { ElasticsearchAlertStore, type ElasticsearchAlertStoreOptions } from './elasticsearch.js';

export const ALERTS_FILE = 'alerts.sqlite';

/** The alert store `config` names, not yet checked (its schema is created by ensureSchema, or the first write of the notify stage). */
export function createAlertStore(config: Pick<Readonly<Config>, 'data_dir' | 'store'>): AlertStore {
  const s = config.store;
  return s.type === 'elasticsearch'
      ? new ElasticsearchAlertStore({ node: s.node, indexPrefix: s.index_prefix, requestTimeoutMs: s.request_timeout_ms, requestMaxRetries: s.request_max_retries, replicas: s.replicas })
      : new SqliteAlertStore(join(resolve(config.data_dir), ALERTS_FILE));
}

/** Opens (and creates the schema of) the alert store `config` names. */
export async function openAlertStore(config: Pick<Readonly<Config>, 'data_dir' | 'store'>): Promise<AlertStore> {
  const store = createAlertStore(config);
  await store.ensureSchema();
  return store;
}
