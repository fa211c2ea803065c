// The Elasticsearch store's constructor options (from config.ts's schema, in camelCase), and what they resolve to once (defaults applied, prefix checked).
import { EcouteError } from '../../core/errors.js';
import type { Client } from '@elastic/elasticsearch';
import { aliasName, type IndexLayout } from './schema.js';

export type RefreshOnWrite = 'none' | 'wait_for' | 'immediate';

export interface ElasticsearchMentionStoreOptions {
  /** Base URL of a node; default http://127.0.0.1:19200. */
  node?: string;
  /** Index prefix: monthly indices <prefix>-YYYY.MM, alias and template <prefix>; default ecoute-mentions. */
  indexPrefix?: string;
  /** Primary shards per monthly index; default 1. */
  shards?: number;
  /** Replicas per monthly index; default 0. */
  replicas?: number;
  /** Index refresh interval; default 1000. */
  refreshIntervalMs?: number;
  /** Whether upsert waits until its writes are searchable; default 'none'. */
  refreshOnWrite?: RefreshOnWrite;
  /** Default 30 000. */
  requestTimeoutMs?: number;
  /** Client-level retries of a request that could not connect or got 502/503/504 (back-off up to 4 s); default 3. */
  requestMaxRetries?: number;
  /** Resends of retriable bulk items before they are reported failed (retriable); default 3. */
  bulkMaxRetries?: number;
  /** First back-off between resends, doubled each time; default 200. */
  bulkRetryBackoffMs?: number;
  /** Largest bulk request body; default 10 MiB. */
  bulkMaxBytes?: number;
  /** Keep-alive of the point in time used from the second page on; 0 disables it; default 60 000. */
  pitKeepAliveMs?: number;
  /** A client to use instead of one made from `node` (tests, shared clients); close() leaves it open. */
  client?: Client;
}

/** The options resolved, as the parts of the store read them. */
export interface StoreConfig {
  node: string;
  layout: IndexLayout;
  alias: string;
  /** The bulk `refresh` parameter refreshOnWrite asks for; undefined: none. */
  bulkRefresh: boolean | 'wait_for' | undefined;
  bulkMaxRetries: number;
  bulkRetryBackoffMs: number;
  bulkMaxBytes: number;
  /** undefined: deep paging without a point in time. */
  pitKeepAlive: string | undefined;
  requestTimeoutMs: number;
  requestMaxRetries: number;
}

/** Elasticsearch refuses the whole bulk request, not the item, for an id over 512 bytes. */
export const MAX_ID_BYTES = 512;
/** ids per lookup request (an ids query; stays far below max_result_window). */
export const LOOKUP_CHUNK = 1000;
/** Hits per eraseAuthor round. */
export const ERASE_CHUNK = 1000;

export function resolveConfig(options: ElasticsearchMentionStoreOptions): StoreConfig {
  const prefix = options.indexPrefix ?? 'ecoute-mentions';
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(prefix)) {
    throw new EcouteError('STORE_UNAVAILABLE', `index prefix ${JSON.stringify(prefix)}: must be lower-case letters, digits, "-" or "_"`, { retriable: false });
  }
  const refresh = options.refreshOnWrite ?? 'none';
  const pit = options.pitKeepAliveMs ?? 60_000;
  return {
    node: options.node ?? 'http://127.0.0.1:19200',
    layout: { prefix, shards: options.shards ?? 1, replicas: options.replicas ?? 0, refreshIntervalMs: options.refreshIntervalMs ?? 1000 },
    alias: aliasName(prefix),
    bulkRefresh: refresh === 'immediate' ? true : refresh === 'wait_for' ? 'wait_for' : undefined,
    bulkMaxRetries: options.bulkMaxRetries ?? 3,
    bulkRetryBackoffMs: options.bulkRetryBackoffMs ?? 200,
    bulkMaxBytes: options.bulkMaxBytes ?? 10 * 1024 * 1024,
    pitKeepAlive: pit > 0 ? `${pit}ms` : undefined,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    requestMaxRetries: options.requestMaxRetries ?? 3,
  };
}
