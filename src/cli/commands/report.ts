// `ecoute report`: a brand's report for a period now, in one format, to a file or stdout.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ALERTS_FILE, openAlertStore, type AlertStore } from '../../alerts/store/index.js';
import type { Config } from '../../config/schema.js';
import { openStore } from '../../app/runtime.js';
import { buildReport, parseFormat, parsePeriod, renderReport, reportSources, type ReportLang } from '../../reports/index.js';
import { readConfig, UsageError } from '../context.js';

interface ReportOptions {
  config?: string;
  brand?: string;
  period?: string;
  from?: string;
  to?: string;
  format: string;
  out?: string;
  lang?: string;
  timeZone?: string;
}

/** The alert store the reports list alerts from; none yet (alerts never ran on this data): undefined, and reports say there were no alerts. */
export async function openReportAlerts(config: Readonly<Config>): Promise<AlertStore | undefined> {
  if (config.store.type === 'embedded' && !existsSync(join(resolve(config.data_dir), ALERTS_FILE))) return undefined;
  return openAlertStore(config);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("Make a brand's reputation report for a period (HTML, PDF, Markdown or JSON)")
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .requiredOption('--brand <id>', 'the brand the report is about')
    .option('--period <period>', 'last-Nd (whole days before today), last-Nw (whole ISO weeks), a month 2026-11, an ISO week 2026-W45 (default last-7d)')
    .option('--from <date>', 'start of the period (YYYY-MM-DD, or ISO 8601), with --to instead of --period')
    .option('--to <date>', 'end of the period, exclusive (YYYY-MM-DD, or ISO 8601)')
    .option('--format <format>', 'html, pdf, md or json', 'html')
    .option('-o, --out <file>', 'write to this file (default: stdout)')
    .option('--lang <lang>', "report language, en or fr (default: the brand's language)")
    .option('--time-zone <tz>', 'time zone the days, weeks and months are read in (default: this machine\'s)')
    .action(async (options: ReportOptions) => {
      const format = parseFormat(options.format);
      if (options.lang !== undefined && options.lang !== 'en' && options.lang !== 'fr') throw new UsageError(`--lang: must be en or fr, got "${options.lang}"`);
      const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
      try {
        new Intl.DateTimeFormat('en', { timeZone });
      } catch {
        throw new UsageError(`--time-zone: "${timeZone}" is not an IANA time zone (e.g. Europe/Paris)`);
      }
      const period = parsePeriod({ period: options.period, from: options.from, to: options.to }, Date.now(), timeZone);
      const { config } = readConfig(options.config);
      if (!config.brands.some((b) => b.id === options.brand)) {
        throw new UsageError(`--brand: no brand "${options.brand}" in the config (brands: ${config.brands.map((b) => b.id).join(', ') || 'none'})`);
      }
      const store = await openStore(config);
      const alerts = await openReportAlerts(config);
      try {
        const data = await buildReport(reportSources(store, config.brands, alerts), { brand: options.brand!, period, timeZone, lang: options.lang as ReportLang | undefined });
        const rendered = await renderReport(data, format);
        if (options.out !== undefined) {
          writeFileSync(options.out, rendered.body);
          process.stderr.write(`wrote ${options.out} (${data.brand.name}, ${period.label}${data.empty ? ', nothing to report' : ''})\n`);
        } else process.stdout.write(rendered.body);
      } finally {
        await alerts?.close();
        await store.close();
      }
    });
}
