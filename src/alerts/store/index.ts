// The AlertStore a config asks for: embedded → data_dir/alerts.sqlite; store.type elasticsearch →
// the indices <index_prefix>-alerts, -incidents and -deliveries on the same cluster as the mentions.
import { join, resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { SqliteAlertStore } from './sqlite.js';
import type { AlertStore } from './types.js';

export type { AlertQuery, AlertStore, DeliveryRecord, DeliveryStatus } from './types.js';
export { SqliteAlertStore, ALERTS_SCHEMA_VERSION } from './sqlite.js';

export const ALERTS_FILE = 'alerts.sqlite';

/** Opens (and creates the schema of) the alert store `config` names. */
export async function openAlertStore(config: Pick<Readonly<Config>, 'data_dir' | 'store'>): Promise<AlertStore> {
  const store: AlertStore = new SqliteAlertStore(join(resolve(config.data_dir), ALERTS_FILE));
  await store.ensureSchema();
  return store;
}
