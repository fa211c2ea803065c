// Issue 15 (dedup16): which FingerprintStore the analyze stage marks near-duplicates against
// (near_duplicates.store): the shared one on the store's Elasticsearch, or undefined for the
// local SQLite file the caller opens (the embedded default).
import type { Config } from '../config/schema.js';
import { EcouteError } from '../core/errors.js';
import { ElasticsearchFingerprintStore } from '../store/elasticsearch/fingerprints.js';
import type { FingerprintStore } from '../streams/near-duplicates/index.js';

/** `local` unless asked, or unless the mentions are on Elasticsearch (then shared by default). */
export function fingerprintStoreKind(config: Readonly<Config>): 'local' | 'elasticsearch' {
  return config.near_duplicates.store ?? (config.store.type === 'elasticsearch' ? 'elasticsearch' : 'local');
}

export function openFingerprints(config: Readonly<Config>): FingerprintStore | undefined {
  if (fingerprintStoreKind(config) === 'local') return undefined;
  const store = config.store;
  if (store.type !== 'elasticsearch') {
    throw new EcouteError('CONFIG_INVALID', 'near_duplicates.store: elasticsearch needs store.type: elasticsearch (the fingerprints use its connection settings)');
  }
  return new ElasticsearchFingerprintStore({
    node: store.node,
    indexPrefix: store.index_prefix,
    replicas: store.replicas,
    requestTimeoutMs: store.request_timeout_ms,
    requestMaxRetries: store.request_max_retries,
  });
}
