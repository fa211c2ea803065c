// Privacy (issue 14, H4): opening the PrivacyLedger a config asks for. Embedded:
// data_dir/privacy.sqlite; store.type elasticsearch: the <index_prefix>_privacy-* indices, so every
// worker on every machine reads the same list.
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { ElasticsearchPrivacyLedger } from './es-ledger.js';
import { PRIVACY_FILE, SqlitePrivacyLedger } from './sqlite-ledger.js';
import type { PrivacyLedger } from './suppression.js';

export type { PrivacyLedger, SuppressionList, ErasureLogEntry, SuppressionEntry } from './suppression.js';
export { suppressingBus } from './suppressing-bus.js';

export async function openPrivacyLedger(config: Pick<Readonly<Config>, 'data_dir' | 'store' | 'privacy'>): Promise<PrivacyLedger> {
  const s = config.store;
  if (s.type === 'elasticsearch') {
    return new ElasticsearchPrivacyLedger({ node: s.node, indexPrefix: s.index_prefix, refreshMs: config.privacy.suppression_refresh_ms, requestTimeoutMs: s.request_timeout_ms }).start();
  }
  return new SqlitePrivacyLedger(join(resolve(config.data_dir), PRIVACY_FILE));
}
