// `ecoute alerts backtest`: replays a brand's stored history through its alert rules and prints when
// each would have fired and why; with --json, one object per alert and line. Nothing is stored or sent.
import type { Command } from 'commander';
import { openStore } from '../../app/runtime.js';
import { backtest, backtestLine } from '../../alerts/backtest.js';
import { PRESETS, type Preset } from '../../alerts/config.js';
import { readConfig, UsageError } from '../context.js';
import { jsonLine, visible } from '../terminal.js';
import { parseDateOption } from './search.js';

interface BacktestOptions {
  config?: string;
  brand: string;
  rule?: string;
  preset?: string;
  from?: string;
  to?: string;
  json?: boolean;
}

const DAY = 86_400_000;

/** Adds `backtest` to the `alerts` command group. */
export function addAlertsBacktest(alerts: Command): void {
  alerts
    .command('backtest')
    .description('Replay stored mentions through a brand\'s alert rules: when each would have fired, and why')
    .requiredOption('--brand <id>', 'the brand')
    .option('--rule <name>', 'only this rule')
    .option('--preset <preset>', `try every rule with this preset instead of its own: ${PRESETS.join(', ')}`)
    .option('--from <date>', 'start (YYYY-MM-DD or ISO 8601; default 30 days before --to)')
    .option('--to <date>', 'end, exclusive (default now)')
    .option('--json', 'one JSON object per alert and line: rule, metric, window_start, window_end, value, baseline, severity, explanation')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .action(async (options: BacktestOptions) => {
      if (options.preset !== undefined && !(PRESETS as readonly string[]).includes(options.preset)) throw new UsageError(`--preset: must be one of ${PRESETS.join(', ')}, got "${options.preset}"`);
      const to = parseDateOption('to', options.to) ?? new Date().toISOString();
      const from = parseDateOption('from', options.from) ?? new Date(Date.parse(to) - 30 * DAY).toISOString();
      if (from >= to) throw new UsageError(`--from (${from}) must be before --to (${to})`);
      const { config } = readConfig(options.config);
      if (!config.brands.some((b) => b.id === options.brand)) {
        throw new UsageError(`--brand: no brand "${options.brand}"; the brands are ${config.brands.map((b) => b.id).join(', ') || 'none (add some under brands: in the config)'}`);
      }
      const store = await openStore(config);
      try {
        const result = await backtest(store, config.brands, { brand: options.brand, from, to, ...(options.rule !== undefined && { rule: options.rule }), ...(options.preset !== undefined && { preset: options.preset as Preset }) });
        if (options.json) {
          for (const alert of result.alerts) process.stdout.write(`${jsonLine(backtestLine(alert))}\n`);
          return;
        }
        const out: string[] = [];
        out.push(`backtest of ${result.brand} from ${from} to ${to}: ${result.rules.map((r) => `${r.name} (${r.metric}, ${r.window}, ${r.preset})`).join(', ')}`);
        for (const a of result.alerts) {
          out.push(`  ${a.windowStart} → ${a.windowEnd}  ${a.rule}  ${a.severity}  value ${a.value} vs baseline ${a.baseline} (deviation ${a.deviation})`);
          out.push(`    ${visible(a.explanation.summary)}`);
          if (a.explanation.terms.length > 0) out.push(`    terms: ${a.explanation.terms.slice(0, 6).map((t) => visible(t.label)).join(', ')}`);
          out.push(`    ${a.explanation.link}`);
        }
        out.push(`${result.alerts.length} alert${result.alerts.length === 1 ? '' : 's'} in ${result.incidents} incident${result.incidents === 1 ? '' : 's'}; ${result.mentions} mentions replayed in ${(result.elapsedMs / 1000).toFixed(1)} s`);
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        await store.close();
      }
    });
}
