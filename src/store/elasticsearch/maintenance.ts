// The closed-month merge on a schedule (es16): in the index worker (distributed), a croner job runs
// ElasticsearchMentionStore.mergeClosedMonths at `store.merge_closed_months_cron` (UTC) and once
// at start; a month already merged is skipped, so a run with nothing to do costs one stats request.
// A failure is logged and retried at the next run: reads are correct unmerged, only slower.
import { Cron } from 'croner';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { MentionStore } from '../types.js';
import { ElasticsearchMentionStore } from './store.js';

export interface MergeJob {
  /** Stops the schedule and waits for a run in progress. */
  stop(): Promise<void>;
}

/** merge_closed_months_cron when unset: every day at 03:30 UTC. */
export const DEFAULT_MERGE_CRON = '30 3 * * *';

/** Schedules the merge when `store` is an Elasticsearch store and a schedule is set; else nothing. */
export function startClosedMonthMerges(store: MentionStore, cron: string | null | undefined, log: Logger): MergeJob | undefined {
  if (!(store instanceof ElasticsearchMentionStore) || cron === null) return undefined;
  let running: Promise<void> | undefined;
  const tick = (): void => {
    running ??= store
      .mergeClosedMonths()
      .then((merged) => {
        if (merged.length > 0) log.info(`elasticsearch: ${merged.length} closed months merged to one segment (${merged.join(', ')})`);
      })
      .catch((error: unknown) => log.warn(`elasticsearch: merging closed months failed: ${errorMessage(error)}; retried at the next run`))
      .finally(() => {
        running = undefined;
      });
  };
  const job = new Cron(cron ?? DEFAULT_MERGE_CRON, { protect: true, timezone: 'UTC' }, tick);
  tick();
  return {
    async stop() {
      job.stop();
      await running;
    },
  };
}
