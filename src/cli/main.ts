// The `ecoute` command. Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad config,
// with the message on stderr.
import { Command, CommanderError } from 'commander';
import { registerAlerts } from './commands/alerts.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerConfig } from './commands/config.js';
import { registerConnectors } from './commands/connectors.js';
import { registerIngest } from './commands/ingest.js';
import { registerImage } from './commands/image.js';
import { registerExport } from './commands/export.js';
import { registerRun } from './commands/run.js';
import { registerServe } from './commands/serve.js';
import { registerSearch } from './commands/search.js';
import { registerReport } from './commands/report.js';
import { registerSentiment } from './commands/sentiment.js';
import { registerServices } from './commands/services.js';
import { registerWorker } from './commands/worker.js';
import { addAlertsBacktest } from './commands/alerts-backtest.js';
// Issue 14, faults-embedded part: `ecoute dlq list|replay|drop`.
import { registerDlq } from './commands/dlq.js';
import { registerPrivacy } from './commands/privacy.js';
import { describeError, EXIT, exitCodeOf, SilentExit } from './context.js';
import { registerStatus } from './commands/status.js'; // Operations (issue 14, ops14)

export function buildProgram(): Command {
  const program = new Command('ecoute')
    .description('écoute: brand reputation and social listening, in English and French')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerRun(program);
  registerIngest(program);
  registerWorker(program);
  registerAnalyze(program);
  registerSearch(program);
  registerImage(program);
  registerExport(program);
  registerReport(program);
  registerServe(program);
  registerSentiment(program);
  registerConfig(program);
  registerServices(program);
  registerConnectors(program);
  registerStatus(program);
  // `ecoute alerts` (list, ack) with the engine's `backtest`.
  registerAlerts(program, [addAlertsBacktest]);
  registerDlq(program);
  // Issue 14, privacy part.
  registerPrivacy(program);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are not errors; commander already printed the message otherwise.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (!(error instanceof SilentExit)) process.stderr.write(`ecoute: ${describeError(error)}\n`);
    return exitCodeOf(error);
  }
}
