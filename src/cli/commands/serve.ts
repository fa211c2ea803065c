// `ecoute serve`: the HTTP API and the dashboard alone, over the configured bus and store (e.g. beside
// `ecoute worker` processes, or a second API in front of the same Elasticsearch). No connector, no
// stage runs here. Prints the dashboard's URL (with the token écoute made, when none is configured).
import { resolve } from 'node:path';
import { openPrivacyLedger } from '../../privacy/index.js';
import { authorKeySecret } from '../../core/author-key.js';
import type { Command } from 'commander';
import { dashboardUrl, mountApi } from '../../app/api.js';
import { openBus, openStore, prepareDataDir } from '../../app/runtime.js';
import { openAlertStore } from '../../alerts/store/index.js';
import { createLogger } from '../../core/log.js';
import { createHttpServer } from '../../http/server.js';
import { readConfig, UsageError } from '../context.js';
import { untilStopSignal } from '../stop-signal.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API and the dashboard alone (no connectors, no stages), until Ctrl-C')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--port <n>', 'listen on this port instead of http.port (0: any free port)')
    .action(async (options: { config?: string; port?: string }) => {
      const { config } = readConfig(options.config);
      const log = createLogger();
      let port = config.http.port;
      if (options.port !== undefined) {
        port = /^\d+$/.test(options.port) ? Number(options.port) : NaN;
        if (!(port >= 0 && port <= 65535)) {
          throw new UsageError(`--port: must be a whole number from 0 to 65535, got "${options.port}"`);
        }
      }
      prepareDataDir(config);
      const bus = openBus(config);
      const store = await openStore(config);
      const alertStore = await openAlertStore(config);
      // Privacy (issue 14, H4): the API's GDPR requests.
      const privacy = await openPrivacyLedger(config);
      const server = createHttpServer({ host: config.http.host, port, requestTimeoutMs: config.http.request_timeout_ms, log });
      try {
        const tokens = mountApi(server, { config, dataDir: resolve(config.data_dir), store, bus, alertStore, privacy, authorKeySecret: authorKeySecret(resolve(config.data_dir)) }, log);
        const url = await server.listen();
        log.info(`API listening on ${url} (docs: ${url}/docs)`);
        process.stdout.write(`dashboard: ${dashboardUrl(url, tokens)}\n`);
        const signal = await untilStopSignal();
        log.info(`${signal}: stopping`);
      } finally {
        await server.close();
        await bus.close();
        await store.close();
        await alertStore.close();
        await privacy.close();
      }
      log.info('stopped cleanly');
    });
}
