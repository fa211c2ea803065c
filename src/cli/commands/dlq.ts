// `ecoute dlq list|replay|drop`: the dead letters on mentions.dlq (either bus), what went wrong
// with each, and sending chosen ones back through the pipeline once the cause is fixed
// (docs/dead-letters.md). The modules beside it: dlq/list.ts (reading and folding), dlq/replay.ts
// (where each goes back), dlq/state.ts (what was replayed or dropped).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { openBus } from '../../app/runtime.js';
import type { Config } from '../../config/schema.js';
import type { Bus } from '../../streams/bus/types.js';
import { readConfig, SilentExit, UsageError, describeError } from '../context.js';
import { visible } from '../terminal.js';
import { filterEntries, originText, parseSince, pick, readDeadLetters, type DeadLetterEntry, type ListFilters } from '../dlq/list.js';
import { replay } from '../dlq/replay.js';
import { DeadLetterState } from '../dlq/state.js';

interface CommonOptions {
  config?: string;
  stage?: string;
  code?: string;
  since?: string;
}

/** The marks are per bus: the embedded log's file, or the Kafka dead-letter topic. */
function scopeOf(config: Readonly<Config>): string {
  return config.bus.type === 'kafka' ? `kafka:${config.bus.brokers.join(',')}/${config.bus.topic_prefix}mentions.dlq` : `embedded:${resolve(config.data_dir, 'bus.sqlite')}`;
}

async function withDeadLetters<T>(configFlag: string | undefined, work: (c: { bus: Bus; state: DeadLetterState; config: Readonly<Config>; entries: DeadLetterEntry[] }) => Promise<T>): Promise<T> {
  const { config } = readConfig(configFlag);
  const bus = openBus(config);
  const state = new DeadLetterState(resolve(config.data_dir), scopeOf(config));
  try {
    const entries = await readDeadLetters(bus, state.marks());
    return await work({ bus, state, config, entries });
  } finally {
    state.close();
    await bus.close();
  }
}

function filtersOf(options: CommonOptions & { pending?: boolean }): ListFilters {
  return {
    ...(options.stage !== undefined && { stage: options.stage }),
    ...(options.code !== undefined && { code: options.code }),
    ...(options.since !== undefined && { since: parseSince(options.since) }),
    ...(options.pending && { pending: true }),
  };
}

export function entryJson(e: DeadLetterEntry): Record<string, unknown> {
  return {
    id: e.id,
    stage: e.letter.stage,
    code: e.letter.code,
    reason: e.letter.reason,
    origin: e.letter.origin,
    at: e.letter.at,
    truncated: e.letter.truncated === true,
    copies: e.copies.length,
    status: e.replayed ? 'replayed' : 'pending',
    ...(e.replayed && { replayed_at: e.replayed.at, replayed_to: e.replayed.to }),
    ...(e.replayOf !== undefined && { replay_of: e.replayOf }),
    input: e.letter.input,
  };
}

function entryLines(e: DeadLetterEntry): string {
  const status = e.replayed ? `replayed ${e.replayed.at}${e.replayed.to ? ` → ${e.replayed.to}` : ''}` : 'pending';
  const flags = [e.letter.truncated ? 'truncated' : '', e.copies.length > 1 ? `${e.copies.length} copies` : '', e.replayOf ? `from replay of ${e.replayOf}` : ''].filter(Boolean).join(', ');
  // Reasons and origins quote what a file or a server sent: shown with control characters escaped.
  return `${e.id}  ${e.letter.at}  ${e.letter.stage}  ${e.letter.code}  ${visible(originText(e.letter))}  ${status}${flags ? ` (${flags})` : ''}\n    ${visible(e.letter.reason).slice(0, 300)}`;
}

const common = (c: Command) =>
  c
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--stage <stage>', 'only dead letters of this stage: connector, analyze, index, notify')
    .option('--code <code>', 'only this error code (docs/errors.md), e.g. MENTION_BAD_JSON')
    .option('--since <when>', 'only those written since a date (2026-12-01) or a duration back (90m, 6h, 2d)');

export function registerDlq(program: Command): void {
  const dlq = program.command('dlq').description('Dead letters: list them, replay them once fixed, drop them');

  common(dlq.command('list').description('List dead letters: id, time, stage, code, origin, status, reason'))
    .option('--pending', 'leave out those already replayed')
    .option('--json', 'one JSON object per dead letter (with its input)')
    .action(async (options: CommonOptions & { pending?: boolean; json?: boolean }) => {
      await withDeadLetters(options.config, async ({ entries }) => {
        const shown = filterEntries(entries, filtersOf(options));
        if (options.json) {
          for (const e of shown) process.stdout.write(`${JSON.stringify(entryJson(e))}\n`);
          return;
        }
        if (shown.length === 0) {
          process.stdout.write('no dead letters\n');
          return;
        }
        for (const e of shown) process.stdout.write(`${entryLines(e)}\n`);
        const pending = shown.filter((e) => !e.replayed).length;
        process.stdout.write(`${shown.length} dead letter${shown.length === 1 ? '' : 's'}, ${pending} pending\n`);
      });
    });

  common(dlq.command('replay').description('Send dead letters back through the stage that failed (once); ids from `ecoute dlq list`'))
    .argument('[ids...]', 'dead letter ids')
    .option('--all', 'every pending dead letter (with --stage, --code, --since: those matching)')
    .action(async (ids: string[], options: CommonOptions & { all?: boolean }) => {
      if ((ids.length > 0) === Boolean(options.all)) throw new UsageError('replay: give dead letter ids, or --all (not both)');
      await withDeadLetters(options.config, async ({ bus, state, config, entries }) => {
        const chosen = options.all ? filterEntries(entries, { ...filtersOf(options), pending: true }) : pick(entries, ids);
        const outcomes = await replay(chosen, { bus, state, config });
        let failed = 0;
        for (const o of outcomes) {
          if (o.error) {
            failed++;
            process.stderr.write(`ecoute: ${describeError(o.error)}\n`);
          } else process.stdout.write(`replayed ${o.id} → ${o.to}\n`);
        }
        const sent = outcomes.length - failed;
        process.stdout.write(`${sent} replayed${failed > 0 ? `, ${failed} refused` : ''}\n`);
        if (failed > 0) throw new SilentExit(1);
      });
    });

  dlq
    .command('drop')
    .description('Remove dead letters from the list (embedded: deleted from the log; Kafka: remembered in data_dir/dead-letters.sqlite)')
    .argument('<ids...>', 'dead letter ids')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .action(async (ids: string[], options: { config?: string }) => {
      await withDeadLetters(options.config, async ({ bus, state, entries }) => {
        const chosen = pick(entries, ids);
        const copies = chosen.flatMap((e) => e.copies);
        // Marked first: on Kafka the mark is the drop; embedded, the rows go too.
        state.mark(copies.map((c) => c.id), { status: 'dropped', at: new Date().toISOString() });
        if (bus.deleteRecords) await bus.deleteRecords('mentions.dlq', copies);
        process.stdout.write(`dropped ${chosen.length} dead letter${chosen.length === 1 ? '' : 's'}${copies.length > chosen.length ? ` (${copies.length} records with their copies)` : ''}\n`);
      });
    });
}


