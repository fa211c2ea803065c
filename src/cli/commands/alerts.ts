// `ecoute alerts`: the incidents and alerts écoute stored (data_dir/alerts.sqlite, or Elasticsearch).
//   ecoute alerts list [--brand acme] [--status open|resolved] [--limit 20] [--json]
//   ecoute alerts ack <id>          (an incident or an alert; the first acknowledgement stays)
// The group is built here; other parts add their subcommands to it (alertsCommand's `extend`).
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { formatValue } from '../../alerts/notifiers/message.js';
import { openAlertStore } from '../../alerts/store/index.js';
import type { AlertStore } from '../../alerts/store/types.js';
import type { Alert, Incident } from '../../alerts/types.js';
import type { Config } from '../../config/schema.js';
import { EcouteError } from '../../core/errors.js';
import { readConfig, UsageError } from '../context.js';
import { jsonLine, visible } from '../terminal.js';

/** What `ecoute alerts list` prints for each incident: the incident and its alerts, oldest alert first. */
export interface ListedIncident {
  incident: Incident;
  alerts: Alert[];
}

export async function listIncidents(store: AlertStore, options: { brand?: string; status?: 'open' | 'resolved'; limit: number }): Promise<ListedIncident[]> {
  const page = await store.listIncidents({ limit: options.limit, ...(options.brand !== undefined && { brand: options.brand }), ...(options.status !== undefined && { status: options.status }) });
  return Promise.all(
    page.items.map(async (incident) => ({ incident, alerts: (await Promise.all(incident.alertIds.map((id) => store.getAlert(id)))).filter((a): a is Alert => a !== undefined) })),
  );
}

export function formatIncidents(listed: ListedIncident[]): string {
  if (listed.length === 0) return 'no incidents\n';
  return listed
    .map(({ incident: i, alerts }) => {
      const ack = i.acknowledgedAt ? `acknowledged ${i.acknowledgedAt}${i.acknowledgedBy ? ` by ${visible(i.acknowledgedBy)}` : ''}` : 'not acknowledged';
      const lines = [
        `${i.id}  ${i.brand}  ${i.status.toUpperCase()}  ${i.severity}  opened ${i.openedAt}${i.resolvedAt ? `, resolved ${i.resolvedAt}` : ''}  (${ack})`,
        `  ${visible(i.summary)}`,
      ];
      for (const a of alerts) {
        const lang = 'en';
        lines.push(
          `  - ${a.id}  ${a.rule}  ${a.metric} ${formatValue(a.metric, a.value, lang)} (usual ${formatValue(a.metric, a.baseline, lang)}, deviation ${a.deviation.toFixed(1)})  window ${a.windowStart} → ${a.windowEnd}  ${a.severity}${a.feedback ? `  feedback: ${a.feedback}` : ''}`,
        );
      }
      return lines.join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

function checkBrand(config: Readonly<Config>, brand: string | undefined): void {
  if (brand !== undefined && !config.brands.some((b) => b.id === brand)) {
    throw new UsageError(`--brand: no brand "${brand}" in the config (brands: ${config.brands.map((b) => b.id).join(', ') || 'none'})`);
  }
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return 20;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= 500)) throw new UsageError(`--limit: must be a whole number from 1 to 500, got "${value}"`);
  return n;
}

/** Who acknowledges from the command line: the system user (an API ack records the token's name). */
function cliUser(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** Builds the `alerts` group; `extend` adds the subcommands of other parts (the backtest). */
export function registerAlerts(program: Command, extend: readonly ((group: Command) => void)[] = []): Command {
  const group = program.command('alerts').description('Incidents and alerts: list them, acknowledge them');
  group
    .command('list')
    .description('Incidents, newest first, each with its alerts (value, usual value, window, severity)')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--brand <id>', 'only this brand')
    .option('--status <status>', 'open or resolved')
    .option('--limit <n>', 'most incidents to print (1-500, default 20)')
    .option('--json', 'one JSON object per incident and line: {"incident", "alerts"}')
    .action(async (options: { config?: string; brand?: string; status?: string; limit?: string; json?: boolean }) => {
      const { config } = readConfig(options.config);
      checkBrand(config, options.brand);
      if (options.status !== undefined && options.status !== 'open' && options.status !== 'resolved') throw new UsageError(`--status: must be open or resolved, got "${options.status}"`);
      const limit = parseLimit(options.limit);
      const store = await openAlertStore(config);
      try {
        const listed = await listIncidents(store, { limit, ...(options.brand !== undefined && { brand: options.brand }), ...(options.status !== undefined && { status: options.status as 'open' | 'resolved' }) });
        process.stdout.write(options.json ? listed.map((l) => `${jsonLine(l)}\n`).join('') : formatIncidents(listed));
      } finally {
        await store.close();
      }
    });
  group
    .command('ack')
    .description('Acknowledge an incident or an alert by its id (the first acknowledgement stays)')
    .argument('<id>', 'an incident or alert id, as `ecoute alerts list` prints it')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .action(async (id: string, options: { config?: string }) => {
      const { config } = readConfig(options.config);
      const store = await openAlertStore(config);
      try {
        const acked = await store.acknowledge(id, cliUser());
        if (!acked) throw new EcouteError('ALERT_NOT_FOUND', `no alert or incident with id "${visible(id)}" (ecoute alerts list shows them)`);
        const kind = 'status' in acked ? 'incident' : 'alert';
        process.stdout.write(`acknowledged ${kind} ${acked.id} at ${acked.acknowledgedAt}${acked.acknowledgedBy ? ` by ${visible(acked.acknowledgedBy)}` : ''}\n`);
      } finally {
        await store.close();
      }
    });
  for (const add of extend) add(group);
  return group;
}
