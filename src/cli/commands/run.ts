// `ecoute run`: the main job. Starts the configured connectors and the stages in this process,
// prints what was indexed once the sources' backlog is searchable, then keeps listening until
// SIGINT/SIGTERM, when it drains in-flight work and commits before exiting.
import type { Command } from 'commander';
import { startSources, type RunningSources } from '../../app/connectors.js';
import { openRuntime, type Runtime } from '../../app/runtime.js';
import { runStages } from '../../app/stages.js';
import { startRetentionJob } from '../../privacy/retention.js';
import { closedMonthMergesFor } from '../../store/elasticsearch/maintenance.js';
import type { RunningConnector } from '../../connectors/types.js';
import { createLogger } from '../../core/log.js';
import { waitUntilIndexed, type StageName } from '../../streams/pipeline.js';
import { readConfig } from '../context.js';
import { untilStopSignal } from '../stop-signal.js';
import { parseStages, RUN_PARTS } from '../stages-option.js';
import { deadLettersSince } from '../dead-letters.js';
import { visible } from '../terminal.js';
import { addResetOptions, resetsOf } from '../reset-options.js';
import { reportSources } from '../../reports/index.js';
import { ReportScheduler } from '../../reports/scheduler.js';
import { countReportRun } from '../../ops/metrics.js'; // Operations (issue 14, ops14)

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('Run écoute: connectors, analysis and indexing, until Ctrl-C')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--stages <names>', 'only these parts, comma-separated: connectors, analyze, index, alerts (default: all)');
  addResetOptions(command).action(async (options: { config?: string; stages?: string } & Record<string, unknown>) => {
      const parts = parseStages(options.stages);
      const stageNames = parts.filter((p): p is StageName => p !== 'connectors');
      const withConnectors = parts.includes('connectors');
      // The summary waits for indexing, which only makes sense when this process can see it through.
      const allStages = parts.length === RUN_PARTS.length;
      const { path, config } = readConfig(options.config);
      const log = createLogger();
      // Every data file is checked first: a damaged or emptied one stops here, named, with what to do.
      const runtime = await openRuntime(config, { check: true, reset: resetsOf(options), log });
      log.info(`écoute running with ${path}: bus ${config.bus.type}, store ${config.store.type}, data in ${runtime.dataDir}`);
      const stages = runStages(runtime, log, stageNames);
      let sources: RunningSources | undefined;
      try {
        sources = withConnectors ? await startSources(runtime, log) : undefined;
      } catch (error) {
        await stages.stop();
        await runtime.close();
        throw error;
      }
      const running: RunningConnector[] = sources?.connectors ?? [];
      // Scheduled reports (brands[].reports): caught up once at start, stopped before the store closes.
      const reports = new ReportScheduler({ sources: reportSources(runtime.store, config.brands, runtime.alertStore), dataDir: runtime.dataDir, log, onRun: countReportRun });
      await reports.start();
      // Privacy (issue 14, H4): retention_days, applied now and at privacy.retention_schedule.
      const retention = startRetentionJob(runtime, log);
      // es17: closed Elasticsearch months merged on a schedule here too when this process indexes.
      const merges = stageNames.includes('index') ? closedMonthMergesFor(config, runtime.store, log) : undefined;
      const stopped = untilStopSignal();
      const shutdown = new AbortController();
      void stopped.then(() => shutdown.abort());
      try {
        await Promise.race([
          (async () => {
            // The dashboard's URL carries the token écoute made: printed on stdout, for the person
            // who started it (as Jupyter does), once the summary says what there is to look at.
            const printUrl = () => {
              if (sources?.dashboardUrl) process.stdout.write(`dashboard: ${sources.dashboardUrl}\n`);
            };
            if (!allStages) return printUrl();
            await Promise.all(running.map((c) => c.caughtUp));
            await waitUntilIndexed(runtime, { signal: shutdown.signal });
            // Indexed is not yet searchable on Elasticsearch (until its next refresh): the summary
            // counts what a search now finds, all of the first read.
            await runtime.store.refresh();
            process.stdout.write(`${await summary(runtime, running)}\n`);
            printUrl();
            log.info('listening for new mentions; Ctrl-C to stop');
          })().catch((error: unknown) => {
            if (!shutdown.signal.aborted) throw error;
          }),
          stopped,
        ]);
        // Stages retry what may pass (a failed batch, a full disk) by themselves; `failed` settles
        // only when one met what retrying cannot fix (a data file damaged while running).
        const signal = await Promise.race([stopped, stages.failed]);
        log.info(`${signal}: draining in-flight work`);
      } finally {
        // The sources first (the HTTP server, then the connectors): nothing new arrives while the
        // stages drain, and the requests in flight finish their bus writes before the bus closes.
        await sources?.stop();
        await reports.stop();
        await retention?.stop();
        await merges?.stop();
        await stages.stop();
        await runtime.close();
      }
      log.info('stopped cleanly');
    });
}

async function summary(runtime: Runtime, connectors: RunningConnector[]): Promise<string> {
  const { store, config } = runtime;
  // Every count below leaves near-duplicates out (the store's default): each story counts once.
  const [total, copies] = await Promise.all([store.count(), store.count({ duplicates: 'only' })]);
  const setAside = copies > 0 ? ` (${copies} near-duplicate${copies === 1 ? '' : 's'} not counted)` : '';
  const lines = [`indexed ${total} mention${total === 1 ? '' : 's'}${setAside} in ${runtime.dataDir}`];
  const perBrand = await Promise.all(config.brands.map(async (b) => `${b.name} ${await store.count({ brand: b.id })}`));
  if (perBrand.length > 0) lines.push(`  by brand: ${perBrand.join(', ')}`);
  const perLang = await Promise.all((['en', 'fr', 'other'] as const).map(async (l) => `${l} ${await store.count({ lang: l })}`));
  lines.push(`  by language: ${perLang.join(', ')}`);
  const perTone = await Promise.all((['positive', 'neutral', 'negative', 'mixed'] as const).map(async (s) => `${s} ${await store.count({ sentiment: s })}`));
  lines.push(`  by tone: ${perTone.join(', ')}`);
  const rejected = await deadLettersSince(runtime.bus, {});
  if (rejected.length > 0) {
    const reasons = new Map<string, number>();
    for (const r of rejected) reasons.set(r.code, (reasons.get(r.code) ?? 0) + 1);
    lines.push(`  rejected (dead-letter topic): ${rejected.length} — ${[...reasons].map(([code, n]) => `${code} ${n}`).join(', ')}`);
  }
  for (const c of connectors) {
    const s = c.status();
    // A last error may quote what a remote server answered: not ours to send to a terminal raw.
    lines.push(`  ${visible(s.name)}: ${s.fetched} read this run, ${s.rejected} rejected${s.lastError ? `, last error: ${visible(s.lastError.message)}` : ''}`);
  }
  const brand = config.brands[0];
  lines.push('', 'try:', `  npx ecoute search ${brand ? `'livraison OR delivery' --brand ${brand.id}` : "'livraison OR delivery'"}`, "  npx ecoute search 'service' --lang fr --sentiment negative --limit 5");
  return lines.join('\n');
}
