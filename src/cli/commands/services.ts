// `ecoute services up|down|status`: real Kafka and Elasticsearch on 127.0.0.1 without Docker.
import type { Command } from 'commander';
import { servicesCli } from '../../services/cli.js';
import { SilentExit } from '../context.js';

export function registerServices(program: Command): void {
  program
    .command('services')
    .description('Start, stop or show a local Kafka and Elasticsearch (no Docker; downloads from Maven Central, cached)')
    .argument('<action>', 'up, down or status')
    .argument('[service...]', 'kafka and/or elasticsearch (default: both)')
    .option('--fresh', 'up: start from empty data directories')
    .option('--json', 'print the status as JSON')
    .action(async (action: string, services: string[], options: { fresh?: boolean; json?: boolean }) => {
      const code = await servicesCli([action, ...services, ...(options.fresh ? ['--fresh'] : []), ...(options.json ? ['--json'] : [])]);
      if (code !== 0) throw new SilentExit(code);
    });
}
