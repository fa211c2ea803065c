// The report scheduler `ecoute run` starts: each brand's schedules (cron expression in a time
// zone, croner) make the report of the period just ended and deliver it to every destination once.
// At start, the last run missed while écoute was down (after the schedule was first seen) is made
// once; the delivery log (reports.sqlite) makes a restart, a catch-up or a retry a no-op for the
// destinations already served. The clock is injected so tests drive it across DST changes.
import { join } from 'node:path';
import { Cron } from 'croner';
import type { Browser } from 'playwright-core';
import type { BrandConfig } from '../config/schema.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { buildReport, type ReportSources } from './build.js';
import type { ReportSchedule } from './config.js';
import { deliver, destinationKey } from './deliver/index.js';
import { ReportLog, REPORTS_FILE } from './log.js';
import { scheduledPeriod } from './period.js';
import { launchChromium } from './pdf.js';
import { renderReport } from './render.js';

export interface Clock {
  now(): number;
  setTimer(ms: number, fn: () => void): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (ms, fn) => {
    const h = setTimeout(fn, ms);
    h.unref?.();
    return h;
  },
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** setTimeout's longest delay; a monthly schedule waits in several steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export interface RunResult {
  schedule: string;
  runAt: string;
  period: string;
  empty: boolean;
  /** Per destination: sent now, already sent before (skipped), or failed (with why). */
  deliveries: { destination: string; status: 'sent' | 'skipped' | 'failed'; error?: string }[];
}

export interface SchedulerOptions {
  sources: Omit<ReportSources, 'now'>;
  dataDir: string;
  log: Logger;
  clock?: Clock;
  /** Called after each run (tests wait on it; the log line is written either way). */
  onRun?: (result: RunResult) => void;
}

interface Job {
  key: string;
  brand: BrandConfig;
  schedule: ReportSchedule;
  cron: Cron;
  timer?: unknown;
}

export class ReportScheduler {
  private readonly clock: Clock;
  private readonly jobs: Job[] = [];
  private reportLog: ReportLog | undefined;
  private inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    for (const brand of options.sources.brands) {
      for (const schedule of brand.reports ?? []) {
        this.jobs.push({ key: `${brand.id}/${schedule.name}`, brand, schedule, cron: new Cron(schedule.cron, { timezone: schedule.time_zone, paused: true }) });
      }
    }
  }

  get scheduleCount(): number {
    return this.jobs.length;
  }

  /** Catches up the missed runs (once each schedule), then arms the timers. */
  async start(): Promise<void> {
    if (this.jobs.length === 0) return;
    this.reportLog = new ReportLog(join(this.options.dataDir, REPORTS_FILE));
    const now = this.clock.now();
    for (const job of this.jobs) {
      const firstSeen = this.reportLog.firstSeen(job.key, now);
      const last = job.cron.previousRuns(1, new Date(now))[0]?.getTime();
      if (last !== undefined && last >= firstSeen && !this.reportLog.runDone(job.key, last)) {
        this.options.log.info(`report ${job.key}: catching up the run of ${new Date(last).toISOString()} missed while écoute was down`);
        this.track(this.run(job, last));
      }
      this.arm(job, now);
    }
    this.options.log.info(`report scheduler: ${this.jobs.length} schedule(s); next ${this.jobs.map((j) => `${j.key} at ${j.cron.nextRun(new Date(now))?.toISOString() ?? 'never'}`).join(', ')}`);
  }

  /** Resolves when no run is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops the timers and waits for the runs in flight (a half-sent run resumes at the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs) if (job.timer !== undefined) this.clock.clearTimer(job.timer);
    await this.idle();
    this.reportLog?.close();
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** The timer for the job's next run strictly after `afterMs`. */
  private arm(job: Job, afterMs: number): void {
    if (this.stopped) return;
    const next = job.cron.nextRun(new Date(afterMs))?.getTime();
    if (next === undefined) return;
    const wait = (): void => {
      const delay = next - this.clock.now();
      if (delay > MAX_DELAY_MS) {
        job.timer = this.clock.setTimer(MAX_DELAY_MS, wait);
        return;
      }
      job.timer = this.clock.setTimer(Math.max(0, delay), () => {
        job.timer = undefined;
        if (this.stopped) return;
        this.track(this.run(job, next).finally(() => this.arm(job, next)));
      });
    };
    wait();
  }

  private async run(job: Job, runAtMs: number): Promise<RunResult> {
    const log = this.reportLog!;
    const period = scheduledPeriod(job.schedule.period, runAtMs, job.schedule.time_zone);
    const result: RunResult = { schedule: job.key, runAt: new Date(runAtMs).toISOString(), period: period.label, empty: false, deliveries: [] };
    const pending = job.schedule.deliveries.filter((d) => log.status(job.key, runAtMs, destinationKey(d)) !== 'sent');
    for (const d of job.schedule.deliveries) if (!pending.includes(d)) result.deliveries.push({ destination: destinationKey(d), status: 'skipped' });
    let browser: Browser | undefined;
    try {
      if (pending.length > 0) {
        const data = await buildReport({ ...this.options.sources, now: () => this.clock.now() }, { brand: job.brand.id, period, timeZone: job.schedule.time_zone });
        result.empty = data.empty;
        if (job.schedule.formats.includes('pdf')) browser = await launchChromium();
        const files = [];
        for (const format of job.schedule.formats) files.push(await renderReport(data, format, browser ? { browser } : {}));
        for (const d of pending) {
          const destination = destinationKey(d);
          try {
            await deliver(d, { data, files, schedule: job.key, runAt: result.runAt });
            log.record(job.key, runAtMs, destination, 'sent', this.clock.now());
            result.deliveries.push({ destination, status: 'sent' });
          } catch (error) {
            log.record(job.key, runAtMs, destination, 'failed', this.clock.now(), errorMessage(error));
            result.deliveries.push({ destination, status: 'failed', error: errorMessage(error) });
            this.options.log.error(`report ${job.key} (${period.label}): ${errorMessage(error)}; it is sent again at the next start`);
          }
        }
      }
      if (result.deliveries.every((d) => d.status !== 'failed')) log.markRunDone(job.key, runAtMs, this.clock.now());
      this.options.log.info(`report ${job.key} (${period.label})${result.empty ? ', nothing to report' : ''}: ${result.deliveries.map((d) => `${d.destination} ${d.status}`).join(', ')}`);
    } catch (error) {
      // Making the report failed (the store is down, Chromium is missing): nothing was sent.
      for (const d of pending) result.deliveries.push({ destination: destinationKey(d), status: 'failed', error: errorMessage(error) });
      this.options.log.error(`report ${job.key} (${period.label}) could not be made: ${errorMessage(error)}; it is made again at the next start`);
    } finally {
      await browser?.close().catch(() => undefined);
    }
    this.options.onRun?.(result);
    return result;
  }
}
