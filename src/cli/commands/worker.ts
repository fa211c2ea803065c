// `ecoute worker analyze|index`: one stage in its own process. With the Kafka bus, run as many as
// there are partitions: the consumer group shares the partitions among them. Exits non-zero when
// its stage fails for good, so a supervisor restarts it instead of leaving it idle but stuck.
import type { Command } from 'commander';
import { authorKeySecret } from '../../core/author-key.js';
import { createLogger } from '../../core/log.js';
import { openBus, openStore, prepareDataDir } from '../../app/runtime.js';
import { runStages } from '../../app/stages.js';
import { openPrivacyLedger } from '../../privacy/index.js';
import { startRetentionJob } from '../../privacy/retention.js';
import { closedMonthMergesFor } from '../../store/elasticsearch/maintenance.js';
import { addResetOptions, resetsOf } from '../reset-options.js';
import { STAGES, type StageName } from '../../streams/pipeline.js';
import { readConfig } from '../context.js';
import { untilStopSignal } from '../stop-signal.js';
import { parseStages } from '../stages-option.js';
// Operations (issue 14, ops14): the worker's metrics server.
import { startMetricsServer, type MetricsServer } from '../../ops/server.js';
import { metricsPortOf } from '../../ops/cli.js';

export function registerWorker(program: Command): void {
  const command = program
    .command('worker')
    .description('Run one pipeline stage in this process (analyze, index or alerts), until Ctrl-C')
    .argument('<stage>', 'analyze, index or alerts')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--metrics-port <n>', 'serve /metrics, /healthz and /readyz on this port (0: any free port; default: ops.metrics_port, else none)');
  addResetOptions(command).action(async (stage: string, options: { config?: string; metricsPort?: string } & Record<string, unknown>) => {
      const [name] = parseStages<StageName>(stage, 'stage', STAGES);
      const { config } = readConfig(options.config);
      const log = createLogger({ stage: name }); // every line names its stage (pino adds the pid)
      prepareDataDir(config, { reset: resetsOf(options), log });
      const bus = openBus(config);
      const store = name !== 'analyze' ? await openStore(config) : undefined;
      // Privacy (issue 14, H4): the suppression list (re-read every suppression_refresh_ms), and the
      // retention job in the index worker.
      const privacy = await openPrivacyLedger(config);
      const stages = runStages({ config, bus, authorKeySecret: authorKeySecret(config.data_dir), privacy, ...(store && { store }) }, log, [name!]);
      const retention = name === 'index' && store ? startRetentionJob({ config, bus, store }, log) : undefined;
      // es16: closed Elasticsearch months merged on a schedule (nothing for the embedded store).
      const merges = name === 'index' && store ? closedMonthMergesFor(config, store, log) : undefined;
      log.info(`${name} worker started: bus ${config.bus.type}${store ? `, store ${config.store.type}` : ''}`);
      const stopped = untilStopSignal();
      let metrics: MetricsServer | undefined;
      try {
        const port = metricsPortOf(options.metricsPort, config.ops);
        if (port !== undefined) {
          metrics = await startMetricsServer({ host: config.ops.metrics_host, port, ops: config.ops, readiness: { bus, store, timeoutMs: config.ops.ready_timeout_ms }, log });
          process.stdout.write(`metrics: ${metrics.url}/metrics\n`);
        }
        const signal = await Promise.race([stopped, stages.failed]);
        log.info(`${signal}: draining in-flight work`);
      } finally {
        await metrics?.close();
        await retention?.stop();
        await merges?.stop();
        await stages.stop();
        await bus.close();
        await store?.close();
        await privacy.close();
      }
      log.info('stopped cleanly');
    });
}
