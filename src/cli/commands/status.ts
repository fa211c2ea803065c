// `ecoute status`: one screen for an operator (issue 14, "Operations"): the services, each stage's
// consumer lag, the dead letters, the last alert and the open incidents, the last report delivery,
// each connector's health. `--json` gives the same as one JSON object. Exit code 1 when the bus or
// the store does not answer, so a script or a cron job can tell.
import type { Command } from 'commander';
import { readConfig, SilentExit } from '../context.js';
import { gatherStatus, type StatusReport } from '../status.js';
import { visible } from '../terminal.js';
import { ago } from './connectors.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Show écoute at a glance: services, lag per stage, dead letters, alerts, reports, connectors')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--json', 'print one JSON object instead of the screen')
    .action(async (options: { config?: string; json?: boolean }) => {
      const { config } = readConfig(options.config);
      const report = await gatherStatus(config);
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
      if (!report.services.bus.ok || !report.services.store.ok) throw new SilentExit(1);
    });
}

export function formatStatus(r: StatusReport, now = Date.parse(r.at)): string {
  const when = (iso: string) => `${iso} (${ago(Math.max(0, now - Date.parse(iso)))} ago)`;
  const service = (s: StatusReport['services']['bus'], extra = '') => `${s.type.padEnd(14)} ${s.ok ? 'ok' : 'NOT ANSWERING'}${extra}${s.detail ? ` (${visible(s.detail)})` : ''}  ${visible(s.at)}`;
  const lines = [
    `écoute status at ${r.at}`,
    '',
    'services',
    `  bus    ${service(r.services.bus)}`,
    `  store  ${service(r.services.store, r.services.store.mentions !== undefined ? `, ${r.services.store.mentions} mentions` : '')}`,
    '',
    'stages (consumer lag: records not handled yet)',
  ];
  const width = Math.max(8, ...r.stages.map((s) => s.stage.length));
  for (const s of r.stages) {
    const parts = s.partitions.length > 1 ? `  (${s.partitions.map((p) => `p${p.partition} ${p.lag}`).join(', ')})` : '';
    lines.push(`  ${s.stage.padEnd(width)}  ${s.topic.padEnd(18)} ${s.lag === null ? 'unknown' : String(s.lag)}${parts}`);
  }
  if (r.stages.length === 0) lines.push('  none yet');
  lines.push('');
  const dl = r.dead_letters;
  lines.push(
    `dead letters   ${dl === null ? 'unknown' : `${dl.written} written to mentions.dlq${dl.last ? `; last ${when(dl.last.at)}: ${dl.last.code} (${dl.last.stage}) ${visible(dl.last.reason)}` : ''}`}`,
  );
  const a = r.alerts;
  lines.push(`alerts         ${a === null ? 'none yet' : `${a.last ? `last ${when(a.last.fired_at)}: ${a.last.brand} ${a.last.rule} (${a.last.severity})` : 'no alert yet'}; ${a.open_incidents} open incident${a.open_incidents === 1 ? '' : 's'}`}`);
  const rep = r.reports;
  lines.push(`reports        ${rep === null || rep.last === null ? 'no delivery yet' : `last ${rep.last.schedule} run of ${rep.last.at}: ${rep.last.destination} ${rep.last.status}${rep.last.error ? ` (${visible(rep.last.error).slice(0, 120)})` : ''}`}`);
  lines.push('', 'connectors');
  if (r.connectors.length === 0) lines.push('  none configured');
  for (const c of r.connectors) {
    const health = !c.recorded
      ? 'not run yet'
      : [
          c.last_error && (!c.last_success_at || c.last_error.at > c.last_success_at) ? `FAILING since ${when(c.last_error.at)}: ${visible(c.last_error.message).slice(0, 120)}` : 'ok',
          c.last_success_at ? `last success ${ago(Math.max(0, now - Date.parse(c.last_success_at)))} ago` : undefined,
          `${c.fetched_last_hour} in the last hour`,
          c.backing_off_until ? `backing off until ${c.backing_off_until}` : undefined,
        ]
          .filter(Boolean)
          .join(', ');
    lines.push(`  ${visible(c.name)}  [${c.type}]  ${health}`);
  }
  for (const p of r.problems) lines.push(`! ${visible(p)}`);
  return `${lines.join('\n')}\n`;
}
