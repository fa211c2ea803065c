// `ecoute connectors status`: each configured source as the running `ecoute run` last recorded it
// (data_dir/connectors.sqlite): last success, last error, lag, mentions per hour, back-off. It
// reads only, so it works while `run` is running, from another terminal.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { connectorName, type ConnectorConfig } from '../../connectors/registry.js';
import { SqliteStatusStore, type StoredStatus } from '../../connectors/status-store.js';
import { readConfig } from '../context.js';
import { visible } from '../terminal.js';

export interface SourceStatus {
  name: string;
  type: string;
  /** Never run: no status recorded for this source. */
  recorded: boolean;
  last_success_at: string | null;
  last_error: { at: string; message: string } | null;
  /** Milliseconds since the source was last read up to its newest item (null: never). */
  lag_ms: number | null;
  fetched_last_hour: number;
  fetched_last_day: number;
  backing_off: boolean;
  backing_off_until: string | null;
  /** When the running process last wrote this status. */
  updated_at: string | null;
  /** Mentions published without a readable date of their own (dated by when écoute first saw them). */
  undated: number;
  /** The last body whose declared charset did not fit or that held undecodable bytes (null: none). */
  decoding: { at: string; url: string; charset: string; from: string; replaced: number; rejected: string[] } | null;
}

export function sourceStatuses(connectors: readonly ConnectorConfig[], store: Pick<SqliteStatusStore, 'read'> | undefined, now = Date.now()): SourceStatus[] {
  return connectors.map((config) => {
    const name = connectorName(config);
    const stored: StoredStatus | undefined = store?.read(name, now);
    const s = stored?.status;
    const backoff = s?.backingOffUntil && Date.parse(s.backingOffUntil) > now ? s.backingOffUntil : null;
    return {
      name,
      type: config.type,
      recorded: stored !== undefined,
      last_success_at: s?.lastSuccessAt ?? null,
      last_error: s?.lastError ?? null,
      lag_ms: s?.caughtUpAt ? Math.max(0, now - Date.parse(s.caughtUpAt)) : null,
      fetched_last_hour: stored?.fetchedLastHour ?? 0,
      fetched_last_day: stored?.fetchedLastDay ?? 0,
      backing_off: backoff !== null,
      backing_off_until: backoff,
      updated_at: stored ? new Date(stored.updatedAt).toISOString() : null,
      undated: s?.undated ?? 0,
      decoding: s?.decoding ?? null,
    };
  });
}

export function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} d`;
}

export function formatStatuses(statuses: SourceStatus[], now = Date.now()): string {
  if (statuses.length === 0) return 'no connectors configured\n';
  const when = (iso: string | null) => (iso ? `${iso} (${ago(now - Date.parse(iso))} ago)` : 'never');
  return statuses
    .map((s) => {
      const lines = [`${s.name}  [${s.type}]`];
      if (!s.recorded) {
        lines.push('  not run yet (no status recorded in this data dir)');
        return lines.join('\n');
      }
      lines.push(`  last success  ${when(s.last_success_at)}`);
      // An error message may quote what a server sent: its control characters are shown escaped.
      lines.push(`  last error    ${s.last_error ? `${when(s.last_error.at)}: ${visible(s.last_error.message)}` : 'none'}`);
      lines.push(`  lag           ${s.lag_ms === null ? 'never caught up' : ago(s.lag_ms)}`);
      lines.push(`  fetched       ${s.fetched_last_hour} in the last hour (${(s.fetched_last_day / 24).toFixed(1)}/h over 24 h)`);
      if (s.undated > 0) lines.push(`  undated       ${s.undated} mention${s.undated === 1 ? '' : 's'} without a readable date (dated when first seen)`);
      if (s.decoding) {
        const d = s.decoding;
        const declared = d.rejected.length > 0 ? `declared ${d.rejected.join(' and ')} did not fit; ` : d.from === 'detected' ? 'no charset declared; ' : '';
        lines.push(`  charset       ${when(d.at)}: ${visible(d.url)}: ${declared}read as ${d.charset}, ${d.replaced} undecodable byte sequence${d.replaced === 1 ? '' : 's'}`);
      }
      lines.push(`  backing off   ${s.backing_off_until ? `yes, until ${s.backing_off_until} (in ${ago(Date.parse(s.backing_off_until) - now)})` : 'no'}`);
      lines.push(`  updated       ${when(s.updated_at)}`);
      return lines.join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

export function registerConnectors(program: Command): void {
  const connectors = program.command('connectors').description('Inspect the configured sources');
  connectors
    .command('status')
    .description('Each configured source: last success, last error, lag, mentions fetched per hour, whether it is backing off')
    .option('-c, --config <file>', 'configuration file (default: $ECOUTE_CONFIG or config/ecoute.yaml)')
    .option('--json', 'one JSON array on stdout')
    .action((options: { config?: string; json?: boolean }) => {
      const { config } = readConfig(options.config);
      const file = join(resolve(config.data_dir), 'connectors.sqlite');
      const store = existsSync(file) ? new SqliteStatusStore(file, { readonly: true }) : undefined;
      try {
        const statuses = sourceStatuses(config.connectors, store);
        process.stdout.write(options.json ? `${JSON.stringify(statuses, null, 2)}\n` : formatStatuses(statuses));
      } finally {
        store?.close();
      }
    });
}
