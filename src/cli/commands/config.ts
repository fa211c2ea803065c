// `ecoute config validate`: every problem of the file in one run, the schema's, the cross-checks'
// and what the environment lacks (a secret the config points at that is not there), each with its
// path. Secrets are checked for presence and length only; their values are never printed.
import type { Command } from 'commander';
import { checkConfig, configInvalid, configPath, readConfigFile } from '../../config/load.js';
import { loadTokens } from '../../api/auth.js';
import { ApiSchema, ConnectorSchema } from '../../config/schema.js';
import { readSecret } from '../../core/config/secret.js';
import { errorMessage } from '../../core/errors.js';
import { readWebhookSecret } from '../../connectors/webhook/secret.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('Work with the configuration file');
  config
    .command('validate')
    .description('Check the configuration file and report every problem at once, each with its path (including secrets missing from the environment)')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .action((options: { config?: string }) => {
      const path = configPath(options.config);
      const { config: loaded, data, problems } = checkConfig(readConfigFile(path), path);
      problems.push(...environmentProblems(data));
      if (problems.length > 0 || loaded === undefined) throw configInvalid(path, problems);
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
      process.stdout.write(
        `${path} is valid: ${plural(loaded.brands.length, 'brand')}, ${plural(loaded.connectors.length, 'connector')}, bus ${loaded.bus.type}, store ${loaded.store.type}\n`,
      );
    });
}

/**
 * Secrets the connectors point at (`secret_env`, `*_env`, `*_file`) that cannot be read here: unset
 * variable, missing or empty file, or a webhook secret too short. Connectors the schema rejects are
 * skipped (already reported). `ecoute run` would stop on each of these at start.
 */
export function environmentProblems(data: unknown, env: NodeJS.ProcessEnv = process.env): string[] {
  const connectors = data !== null && typeof data === 'object' && Array.isArray((data as { connectors?: unknown }).connectors) ? (data as { connectors: unknown[] }).connectors : [];
  const problems: string[] = [];
  connectors.forEach((raw, i) => {
    const parsed = ConnectorSchema.safeParse(raw);
    if (!parsed.success) return;
    const connector = parsed.data;
    if (connector.type === 'webhook') {
      try {
        readWebhookSecret(connector, env);
      } catch (error) {
        problems.push(`connectors[${i}]: ${errorMessage(error)}`);
      }
      return;
    }
    const names = new Set(Object.keys(connector).flatMap((key) => /^(.+)_(env|file)$/.exec(key)?.[1] ?? []));
    for (const name of names) {
      try {
        readSecret(connector, name, env);
      } catch (error) {
        problems.push(`connectors[${i}].${errorMessage(error)}`);
      }
    }
  });
  // The API's bearer tokens: each must be readable and long enough (`ecoute run` refuses otherwise).
  const api = data !== null && typeof data === 'object' ? ApiSchema.safeParse((data as { api?: unknown }).api ?? {}) : undefined;
  if (api?.success && api.data.tokens.length > 0) {
    api.data.tokens.forEach((token, i) => {
      try {
        loadTokens({ ...api.data, tokens: [token] }, '', env);
      } catch (error) {
        problems.push(errorMessage(error).replace(/^api\.tokens\[0\]/, `api.tokens[${i}]`));
      }
    });
  }
  return problems;
}
