// Configuration of the Elasticsearch store (`store.type: elasticsearch`), declared beside the
// store; src/config/ assembles it into the whole schema.
import { Cron } from 'croner';
import { z } from 'zod';
import { bytes, duration } from '../../core/config/fields.js';

export const ElasticsearchStoreSchema = z
  .strictObject({
    type: z.literal('elasticsearch').describe('Elasticsearch through @elastic/elasticsearch 9.x (server 9.x; core features only).'),
    node: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .default('http://127.0.0.1:19200')
      .describe('Base URL of an Elasticsearch node. Prefer 127.0.0.1 to localhost (Node may try ::1 first).'),
    index_prefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" or "_", starting with a letter or digit')
      .max(200)
      .default('ecoute-mentions')
      .describe(
        'Monthly indices are <prefix>-YYYY.MM (from publishedAt, UTC), created from the index template <prefix>; the read alias <prefix> spans them all. Deployments with different prefixes share nothing on one cluster.',
      ),
    shards: z.number().int().positive().default(1).describe('Primary shards of each monthly index (applies to indices created after a change).'),
    replicas: z.number().int().nonnegative().default(0).describe('Replicas of each monthly index (0 on a single node).'),
    refresh_interval_ms: duration('How often new writes become searchable (index refresh_interval); longer means cheaper indexing', 1000),
    refresh_on_write: z
      .enum(['none', 'wait_for', 'immediate'])
      .default('none')
      .describe(
        'Whether upsert waits until its writes are searchable: none (fastest; visible within refresh_interval_ms), wait_for (each bulk waits for the next scheduled refresh), immediate (forces a refresh per bulk: read-after-write at a large throughput cost; for tests and tiny volumes).',
      ),
    request_timeout_ms: duration('Time Elasticsearch has to answer one request', 30_000),
    request_max_retries: z
      .number()
      .int()
      .nonnegative()
      .default(3)
      .describe('Client-level retries of a request that could not connect or got 502, 503 or 504, with exponential back-off (up to 4 s).'),
    bulk_max_retries: z
      .number()
      .int()
      .nonnegative()
      .default(3)
      .describe('Times a bulk item rejected for a retriable reason (429, 503, es_rejected_execution) is resent before it is reported failed and retriable.'),
    bulk_retry_backoff_ms: duration('First back-off before resending retriable bulk items; it doubles on each retry', 200),
    bulk_max_bytes: bytes('Largest bulk request body: bigger batches are sent as several bulk requests (keep it well below http.max_content_length)', 10 * 1024 * 1024),
    pit_keep_alive_ms: z
      .number()
      .int()
      .nonnegative()
      .default(60_000)
      .describe(
        'Deep paging: from the second page on, pages are read from a point in time kept alive this long between pages, in milliseconds (0: no point in time, plain search_after on live data).',
      ),
    // es16: closed months merged to one segment (maintenance.ts, merge.ts).
    merge_closed_months_cron: z
      .string()
      .refine((c) => {
        try {
          new Cron(c, { paused: true }).stop();
          return true;
        } catch {
          return false;
        }
      }, 'must be a cron expression (croner syntax), e.g. "30 3 * * *"')
      .nullish()
      .describe(
        'Default "30 3 * * *". When the index stage (`ecoute worker index`, `ecoute run`) force-merges the monthly indices before the current month (UTC) to one segment each (cron, UTC; also once at start; null: never). Merged months read several times faster (exports, terms, the report); a month already merged is skipped, and so is a month written to during merge_quiet_ms.',
      ),
    // es17: a closed month still being written (a backfill) is not merged (maintenance.ts).
    merge_quiet_ms: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Default 600000 (10 minutes). Closed-month merge: a month is merged only when nothing was written to it during this long just before, in milliseconds (a backfill in progress is left alone).'),
  })
  .describe('Elasticsearch store: monthly indices from an index template, bulk writes with per-item results.');

export type ElasticsearchStoreConfig = z.output<typeof ElasticsearchStoreSchema>;
