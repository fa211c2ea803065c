import type { Command } from 'commander';
import { readConfig } from '../context.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Work with the configuration file');
  config
    .command('validate')
    .description('Check the configuration file and report every problem at once, each with its path')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .action((options: { config?: string }) => {
      const { path, config: loaded } = readConfig(options.config);
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
      process.stdout.write(
        `${path} is valid: ${plural(loaded.brands.length, 'brand')}, ${plural(loaded.connectors.length, 'connector')}, bus ${loaded.bus.type}, store ${loaded.store.type}\n`,
      );
    });
}
