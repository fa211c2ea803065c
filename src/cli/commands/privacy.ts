// Privacy (issue 14, H4): `ecoute privacy erase|export|erasures`.
//   ecoute privacy erase --author <source>:<handle>    removes the person everywhere, suppresses them
//   ecoute privacy export --author <source>:<handle>   their data as JSON (access request)
//   ecoute privacy erasures                            the erasure log (no content)
//   ecoute privacy retention                           applies retention_days now
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { openRuntime } from '../../app/runtime.js';
import { createLogger } from '../../core/log.js';
import { describeErasure, erasePerson } from '../../privacy/erase.js';
import { exportPerson } from '../../privacy/export.js';
import { parsePerson } from '../../privacy/person.js';
import { applyRetention, retentionConfigured } from '../../privacy/retention.js';
import { readConfig, UsageError } from '../context.js';

function cliUser(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

const CONFIG = ['-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)'] as const;
const AUTHOR = ['--author <source:handle>', "the person: the source's name, a colon, their id at that source (e.g. reddit:jane_doe)"] as const;

async function withRuntime<T>(configFile: string | undefined, work: (runtime: Awaited<ReturnType<typeof openRuntime>>) => Promise<T>): Promise<T> {
  const { config } = readConfig(configFile);
  const runtime = await openRuntime(config, { log: createLogger() });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

export function registerPrivacy(program: Command): void {
  const group = program.command('privacy').description('GDPR: erase a person, export their data, the erasure log, retention');
  group
    .command('erase')
    .description('Erase a person: their mentions from the store, the topics, dead letters and alert examples; suppress them so nothing brings them back')
    .option(...CONFIG)
    .option(...AUTHOR)
    .option('--json', 'print the counts as JSON')
    .action(async (options: { config?: string; author?: string; json?: boolean }) => {
      if (options.author === undefined) throw new UsageError('--author <source>:<handle> is required');
      await withRuntime(options.config, async (runtime) => {
        const person = parsePerson(options.author, runtime.authorKeySecret);
        const report = await erasePerson(runtime, person, { by: cliUser() });
        process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : describeErasure(report));
      });
    });
  group
    .command('export')
    .description("A person's data as JSON (access request): their mentions, the alerts showing them, their suppression status")
    .option(...CONFIG)
    .option(...AUTHOR)
    .action(async (options: { config?: string; author?: string }) => {
      if (options.author === undefined) throw new UsageError('--author <source>:<handle> is required');
      await withRuntime(options.config, async (runtime) => {
        const person = parsePerson(options.author, runtime.authorKeySecret);
        process.stdout.write(`${JSON.stringify(await exportPerson(runtime, person), null, 2)}\n`);
      });
    });
  group
    .command('erasures')
    .description('The erasure log: which author key was erased, when, by whom, and the counts (never the content)')
    .option(...CONFIG)
    .action(async (options: { config?: string }) => {
      await withRuntime(options.config, async (runtime) => {
        for (const e of await runtime.privacy.erasures()) process.stdout.write(`${JSON.stringify(e)}\n`);
      });
    });
  group
    .command('retention')
    .description('Apply retention_days now (the running écoute applies it at privacy.retention_schedule)')
    .option(...CONFIG)
    .action(async (options: { config?: string }) => {
      await withRuntime(options.config, async (runtime) => {
        if (!retentionConfigured(runtime.config)) throw new UsageError('no retention configured: set privacy.retention_days or privacy.retention_days_by_source');
        process.stdout.write(`${JSON.stringify(await applyRetention(runtime, new Date()))}\n`);
      });
    });
}
