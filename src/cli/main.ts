// The `ecoute` command. Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad config,
// with the message on stderr.
//
// Start time (issue 15, start15 part): a command's module is imported only when that command runs
// (or its help is asked for). Importing them all cost seconds (the config schemas, the store and
// bus clients, the NLP, fastify...) before `ecoute --version` could print a line. The other
// commands are listed for `ecoute --help` from the table below (name, usage term, description),
// which test/unit/cli-lazy.test.ts keeps equal to what each command's module registers.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, Help } from 'commander';
import { describeError, EXIT, exitCodeOf, SilentExit } from './exit.js';

type Register = (program: Command) => void;

export interface CommandEntry {
  name: string;
  /** How `ecoute --help` lists it (commander's subcommand term: name, [options], arguments). */
  term: string;
  description: string;
  load: () => Promise<Register>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'run', term: 'run [options]', description: 'Run écoute: connectors, analysis and indexing, until Ctrl-C', load: async () => (await import('./commands/run.js')).registerRun },
  { name: 'ingest', term: 'ingest [options] <file...>', description: 'Push mention files (JSONL or CSV) through the whole pipeline and wait until they are searchable', load: async () => (await import('./commands/ingest.js')).registerIngest },
  { name: 'worker', term: 'worker [options] <stage>', description: 'Run one pipeline stage in this process (analyze, index or alerts), until Ctrl-C', load: async () => (await import('./commands/worker.js')).registerWorker },
  { name: 'analyze', term: 'analyze [file]', description: 'Analyze JSONL ({"text": ..., "lang"?: ...}) from a file or stdin: one JSON result per line, in order', load: async () => (await import('./commands/analyze.js')).registerAnalyze },
  { name: 'search', term: 'search [options] <query>', description: 'Search indexed mentions: words, "phrases", AND, OR, NOT, parentheses, lang:fr, source:reddit', load: async () => (await import('./commands/search.js')).registerSearch },
  { name: 'image', term: 'image [options]', description: "A brand's perceived image (semantic fields and their tone in its mentions) against its intended image, with 95 % intervals", load: async () => (await import('./commands/image.js')).registerImage },
  { name: 'export', term: 'export [options] [query]', description: 'Write every matching mention as CSV or JSON lines (streamed: any number of rows)', load: async () => (await import('./commands/export.js')).registerExport },
  { name: 'report', term: 'report [options]', description: "Make a brand's reputation report for a period (HTML, PDF, Markdown or JSON)", load: async () => (await import('./commands/report.js')).registerReport },
  { name: 'serve', term: 'serve [options]', description: 'Run the HTTP API and the dashboard alone (no connectors, no stages), until Ctrl-C', load: async () => (await import('./commands/serve.js')).registerServe },
  { name: 'sentiment', term: 'sentiment', description: 'Sentiment model tools', load: async () => (await import('./commands/sentiment.js')).registerSentiment },
  { name: 'config', term: 'config', description: 'Work with the configuration file', load: async () => (await import('./commands/config.js')).registerConfig },
  { name: 'services', term: 'services [options] <action> [service...]', description: 'Start, stop or show a local Kafka and Elasticsearch (no Docker; downloads from Maven Central, cached)', load: async () => (await import('./commands/services.js')).registerServices },
  { name: 'connectors', term: 'connectors', description: 'Inspect the configured sources', load: async () => (await import('./commands/connectors.js')).registerConnectors },
  // Operations (issue 14, ops14)
  { name: 'status', term: 'status [options]', description: 'Show écoute at a glance: services, lag per stage, dead letters, alerts, reports, connectors', load: async () => (await import('./commands/status.js')).registerStatus },
  {
    // `ecoute alerts` (list, ack) with the engine's `backtest`.
    name: 'alerts',
    term: 'alerts',
    description: 'Incidents and alerts: list them, acknowledge them',
    load: async () => {
      const [{ registerAlerts }, { addAlertsBacktest }] = await Promise.all([import('./commands/alerts.js'), import('./commands/alerts-backtest.js')]);
      return (program) => void registerAlerts(program, [addAlertsBacktest]);
    },
  },
  // Issue 14, faults-embedded part: `ecoute dlq list|replay|drop`.
  { name: 'dlq', term: 'dlq', description: 'Dead letters: list them, replay them once fixed, drop them', load: async () => (await import('./commands/dlq.js')).registerDlq },
  // Issue 14, privacy part.
  { name: 'privacy', term: 'privacy', description: 'GDPR: erase a person, export their data, the erasure log, retention', load: async () => (await import('./commands/privacy.js')).registerPrivacy },
];

/** écoute's version, from the package.json above this module (src/cli/ or dist/src/cli/). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ecoute' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/** The command an argv runs (`ecoute search ...`, `ecoute help search`), if it names one. */
function commandNamed(args: readonly string[]): string | undefined {
  const first = args.find((a) => !a.startsWith('-'));
  if (first === 'help') return args[args.indexOf('help') + 1];
  return first;
}

/**
 * The program for one argv (`process.argv`, with node and the script first): the command it names
 * is registered for real (its module imported), the others only listed for `--help`. Without
 * argv, every command is registered for real.
 */
export async function buildProgram(argv?: readonly string[]): Promise<Command> {
  const wanted = argv === undefined ? undefined : commandNamed(argv.slice(2));
  const program = new Command('ecoute')
    .description('écoute: brand reputation and social listening, in English and French')
    .version(packageVersion(), '-V, --version', 'print the version of écoute')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // A command listed but not loaded has no options or arguments yet: --help shows the table's term.
  // (Subcommands inherit this help configuration: any other command gets commander's own term.)
  const listed = new Map<Command, string>();
  program.configureHelp({
    subcommandTerm(this: Help, cmd: Command): string {
      return listed.get(cmd) ?? Help.prototype.subcommandTerm.call(this, cmd);
    },
  });
  const registers = await Promise.all(COMMANDS.map((entry) => (argv === undefined || entry.name === wanted ? entry.load() : undefined)));
  COMMANDS.forEach((entry, k) => {
    const register = registers[k];
    if (register) register(program);
    else listed.set(program.command(entry.name).description(entry.description), entry.term);
  });
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
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
