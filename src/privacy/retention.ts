// Privacy (issue 14, H4): retention. A mention older than its source's retention_days (or the
// store's), counted from when it was published, is deleted from the store; the topics keep no
// record appended longer ago than the shortest retention configured (they are transit logs: what
// they hold is indexed already). A croner job runs it at `retention_schedule` and once at start,
// in `ecoute run` and in the index worker (distributed).
import { Cron } from 'croner';
import type { Config } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Bus, Topic } from '../streams/bus/types.js';
import { TOPICS } from '../streams/bus/types.js';
import type { MentionStore } from '../store/types.js';

const DAY_MS = 24 * 3600_000;

export interface RetentionDeps {
  config: Readonly<Config>;
  bus: Bus;
  store: MentionStore;
}

export interface RetentionReport {
  at: string;
  /** Mentions deleted from the store, per source ('*': the store-wide retention). */
  store: Record<string, number>;
  /** Records deleted per topic (null: the bus does not say how many, Kafka). */
  topics: Partial<Record<Topic, number | null>>;
}

export function retentionConfigured(config: Readonly<Config>): boolean {
  return config.privacy.retention_days !== undefined || Object.keys(config.privacy.retention_days_by_source).length > 0;
}

async function eraseOlder(store: MentionStore, filters: { source?: string; to: string }, skip: ReadonlySet<string>): Promise<number> {
  let erased = 0;
  for await (const page of store.exportPages({ ...filters, duplicates: 'include' })) {
    const ids = page.filter((m) => !skip.has(m.source)).map((m) => m.id);
    if (ids.length > 0) erased += await store.eraseMentions(ids);
  }
  return erased;
}

export async function applyRetention(deps: RetentionDeps, now: Date): Promise<RetentionReport> {
  const { retention_days: all, retention_days_by_source: bySource } = deps.config.privacy;
  const report: RetentionReport = { at: now.toISOString(), store: {}, topics: {} };
  const cutoff = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  for (const [source, days] of Object.entries(bySource)) report.store[source] = await eraseOlder(deps.store, { source, to: cutoff(days) }, new Set());
  // The sources with their own retention are left to it, longer or shorter.
  if (all !== undefined) report.store['*'] = await eraseOlder(deps.store, { to: cutoff(all) }, new Set(Object.keys(bySource)));
  const shortest = Math.min(...[...(all !== undefined ? [all] : []), ...Object.values(bySource)]);
  if (Number.isFinite(shortest) && deps.bus.privacyExpire) {
    for (const topic of TOPICS) {
      const n = await deps.bus.privacyExpire(topic, now.getTime() - shortest * DAY_MS);
      report.topics[topic] = n ?? null;
    }
  }
  return report;
}

export interface RetentionJob {
  /** Runs it now (also what the schedule calls); resolves with what it deleted. */
  runNow(): Promise<RetentionReport>;
  /** Stops the schedule and waits for a run in progress. */
  stop(): Promise<void>;
}

/** Schedules the retention job (and runs it once now); nothing when no retention is configured. */
export function startRetentionJob(deps: RetentionDeps, log: Logger, clock: () => Date = () => new Date()): RetentionJob | undefined {
  if (!retentionConfigured(deps.config)) return undefined;
  let running: Promise<RetentionReport> | undefined;
  const runNow = (): Promise<RetentionReport> => {
    // One run at a time: a slow run is not stacked with the next tick.
    running ??= applyRetention(deps, clock())
      .then((r) => {
        const store = Object.values(r.store).reduce((a, b) => a + b, 0);
        if (store > 0) log.info(`retention: ${store} mentions older than their retention deleted from the store`);
        return r;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const tick = () =>
    void runNow().catch((error: unknown) => log.warn(`retention: ${errorMessage(error)}; retried at the next run`));
  const cron = new Cron(deps.config.privacy.retention_schedule, { protect: true }, tick);
  tick();
  return {
    runNow,
    async stop() {
      cron.stop();
      await running?.catch(() => undefined);
    },
  };
}
