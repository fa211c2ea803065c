// The closed-month merge on a schedule (es16): in the process that runs the index stage (`ecoute
// worker index`, and `ecoute run`, es17), a croner job runs ElasticsearchMentionStore.
// mergeClosedMonths at `store.merge_closed_months_cron` (UTC) and once at start; a month already
// merged is skipped, so a run with nothing to do costs a few stats requests. A failure is logged
// and retried at the next run: reads are correct unmerged, only slower.
//
// es17: each run reads the closed months' write counters, waits `store.merge_quiet_ms`, and merges
// only the months with no write meanwhile: a month a backfill (or a replay, or late mentions just
// after the month's end) is still writing to is left for a later run, instead of being rewritten
// while it grows (and again the next night). A worker's start is then no longer a merge of months
// in progress: it merges the quiet ones once the quiet period has passed.
import { Cron } from 'croner';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { MentionStore } from '../types.js';
import { ElasticsearchMentionStore } from './store.js';

export interface MergeJob {
  /** Stops the schedule and waits for a run in progress (a quiet period being waited ends at once). */
  stop(): Promise<void>;
}

/** merge_closed_months_cron when unset: every day at 03:30 UTC. */
export const DEFAULT_MERGE_CRON = '30 3 * * *';
/** merge_quiet_ms when unset: a month with no write for 10 minutes is not being written to. */
export const DEFAULT_MERGE_QUIET_MS = 600_000;

export interface MergeJobOptions {
  /** How long a closed month must go without a write before it is merged (default DEFAULT_MERGE_QUIET_MS). */
  quietMs?: number;
  /** Waits the quiet period (tests: a hook that writes meanwhile); resolves early when `signal` aborts. */
  quiet?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Schedules the merge when `store` is an Elasticsearch store and a schedule is set; else nothing. */
export function startClosedMonthMerges(store: MentionStore, cron: string | null | undefined, log: Logger, options: MergeJobOptions = {}): MergeJob | undefined {
  if (!(store instanceof ElasticsearchMentionStore) || cron === null) return undefined;
  const quietMs = options.quietMs ?? DEFAULT_MERGE_QUIET_MS;
  const quiet = options.quiet ?? sleep;
  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  const run = async (): Promise<void> => {
    const seen = await store.closedMonthWrites();
    if (seen.size === 0) return;
    await quiet(quietMs, stopping.signal);
    if (stopping.signal.aborted) return;
    const merged = await store.mergeClosedMonths(Date.now(), {
      unchangedSince: seen,
      onWritten: (months) => log.info(`elasticsearch: ${months.length} closed months written to in the last ${Math.round(quietMs / 1000)} s, left for a later run (${months.join(', ')})`),
    });
    if (merged.length > 0) log.info(`elasticsearch: ${merged.length} closed months merged to one segment (${merged.join(', ')})`);
  };
  const tick = (): void => {
    running ??= run()
      .catch((error: unknown) => {
        if (!stopping.signal.aborted) log.warn(`elasticsearch: merging closed months failed: ${errorMessage(error)}; retried at the next run`);
      })
      .finally(() => {
        running = undefined;
      });
  };
  const job = new Cron(cron ?? DEFAULT_MERGE_CRON, { protect: true, timezone: 'UTC' }, tick);
  tick();
  return {
    async stop() {
      job.stop();
      stopping.abort();
      await running;
    },
  };
}

/** The merge job for a configuration's store (the index worker and `ecoute run`): nothing unless the store is Elasticsearch. */
export function closedMonthMergesFor(config: { store: { type: string; merge_closed_months_cron?: string | null; merge_quiet_ms?: number } }, store: MentionStore, log: Logger): MergeJob | undefined {
  if (config.store.type !== 'elasticsearch') return undefined;
  return startClosedMonthMerges(store, config.store.merge_closed_months_cron, log, { ...(config.store.merge_quiet_ms !== undefined && { quietMs: config.store.merge_quiet_ms }) });
}
