// Privacy (issue 14, gaps14): reports a `folder` destination received are files on this machine
// that can quote an erased person's mentions (the notable mentions) and count them. The delivery
// log (data_dir/reports.sqlite) says which schedule's run went to which folder; the schedule (from
// the config) gives the period and the file names. Every such file of a brand and period that held
// one of the erased mentions is rendered again from the store, which no longer has them (the same
// file name, written aside then renamed, like a delivery); a file that cannot be rendered again
// (no Chromium for a PDF) is deleted. Files the operator moved or deleted are left alone; reports
// sent by email or webhook are the recipients' (docs/privacy.md).
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Config } from '../config/schema.js';
import { openSqlite } from '../core/sqlite.js';
import type { AlertStore } from '../alerts/store/types.js';
import type { MentionStore } from '../store/types.js';
import { buildReport, reportSources } from '../reports/build.js';
import { REPORTS_FILE } from '../reports/log.js';
import { scheduledPeriod } from '../reports/period.js';
import { launchChromium } from '../reports/pdf.js';
import { renderReport, reportFileName } from '../reports/render.js';

/** What the erasure knows of a mention it took out of the store. */
export interface ErasedMention {
  id: string;
  brands: readonly string[];
  publishedAt: string;
}

export interface ReportFilesErasure {
  /** Report files written again without the person. */
  rerendered: string[];
  /** Report files deleted (they could not be rendered again). */
  removed: string[];
}

interface SentToFolder {
  schedule: string;
  run_at_ms: number;
  destination: string;
}

export async function eraseFromReportFiles(
  deps: { config: Readonly<Config>; dataDir: string; store: MentionStore; alertStore: AlertStore },
  erased: readonly ErasedMention[],
): Promise<ReportFilesErasure> {
  const result: ReportFilesErasure = { rerendered: [], removed: [] };
  const file = join(deps.dataDir, REPORTS_FILE);
  if (erased.length === 0 || !existsSync(file)) return result;
  const db = openSqlite(file);
  let rows: SentToFolder[];
  try {
    rows = db.prepare("SELECT schedule, run_at_ms, destination FROM deliveries WHERE status = 'sent' AND destination LIKE 'folder:%'").all() as SentToFolder[];
  } finally {
    db.close();
  }
  const sources = reportSources(deps.store, deps.config.brands, deps.alertStore);
  let browser: Browser | undefined;
  try {
    for (const row of rows) {
      const [brandId, name] = row.schedule.split('/') as [string, string | undefined];
      const brand = deps.config.brands.find((b) => b.id === brandId);
      const schedule = brand?.reports?.find((r) => r.name === name);
      // A schedule no longer in the config: its file names are not known any more.
      if (!brand || !schedule) continue;
      const period = scheduledPeriod(schedule.period, row.run_at_ms, schedule.time_zone);
      const held = erased.some((m) => m.brands.includes(brand.id) && m.publishedAt >= period.from && m.publishedAt < period.to);
      if (!held) continue;
      const folder = resolve(row.destination.slice('folder:'.length));
      const files = schedule.formats.map((format) => ({ format, path: join(folder, reportFileName({ brand: { id: brand.id, name: brand.name }, period: { ...period, timeZone: schedule.time_zone } }, format)) })).filter((f) => existsSync(f.path));
      if (files.length === 0) continue;
      // A store that does not answer fails the step (PRIVACY_ERASE_INCOMPLETE: run the erase again).
      const data = await buildReport({ ...sources, now: () => row.run_at_ms }, { brand: brand.id, period, timeZone: schedule.time_zone });
      for (const f of files) {
        try {
          if (f.format === 'pdf') browser ??= await launchChromium();
          const rendered = await renderReport(data, f.format, browser ? { browser } : {});
          const partial = `${f.path}.partial`;
          writeFileSync(partial, rendered.body);
          renameSync(partial, f.path);
          result.rerendered.push(f.path);
        } catch {
          rmSync(f.path, { force: true });
          result.removed.push(f.path);
        }
      }
    }
  } finally {
    await browser?.close().catch(() => undefined);
  }
  return result;
}
