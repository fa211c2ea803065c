// Operations (issue 14, gaps14): the notification, alert-delay and report-delivery metrics count
// exactly what happened, after a known sequence, against real components: the notify stage on the
// embedded bus (real SQLite) with its SQLite alert store, email notifiers talking to a real
// in-process SMTP server (smtp-server, mail parsed by mailparser), and the report scheduler writing
// to real folders. The values are read from the Prometheus text exposition (what a scraper reads).
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertsDeliverySchema, type EmailNotifierConfig } from '../../src/alerts/notifiers/config.js';
import { EmailNotifier } from '../../src/alerts/notifiers/email.js';
import { messageRenderer } from '../../src/alerts/notifiers/index.js';
import { startNotifyStage } from '../../src/alerts/notify-stage.js';
import { SqliteAlertStore } from '../../src/alerts/store/sqlite.js';
import type { BrandConfig } from '../../src/config/schema.js';
import { silentLogger } from '../../src/core/log.js';
import { registry, countReportRun } from '../../src/ops/metrics.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import { reached } from '../../src/streams/bus/types.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { reportSources } from '../../src/reports/build.js';
import { ReportScheduler, type Clock, type RunResult } from '../../src/reports/scheduler.js';
import { parseConfig } from '../../src/config/load.js';
import { openedEvent } from '../helpers/alert-fixtures.js';
import { eventually, parseMetrics, value } from './helpers.js';

const brands = [{ id: 'acme', name: 'Acme', query: 'acme', competitors: [], language: 'en' }] as unknown as BrandConfig[];
const closers: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

async function samples() {
  return parseMetrics(await registry.metrics());
}

async function smtpServer(): Promise<{ port: number; mails: ParsedMail[] }> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.server.address() as AddressInfo).port, mails };
}

function email(raw: Record<string, unknown>): EmailNotifierConfig {
  return AlertsDeliverySchema.parse({ notifiers: [{ type: 'email', from: 'alerts@example.org', to: ['comms@example.org'], retry_min_ms: 5, retry_max_ms: 10, ...raw }] }).notifiers[0] as EmailNotifierConfig;
}

describe('notification metrics', () => {
  it('2 alerts to a working SMTP server and 1 to a dead one: sent, failed tries, dead letters, skipped repeats and the delay histogram, exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-metric-counts-'));
    const bus = new EmbeddedBus({ file: join(dir, 'bus.sqlite'), pollIntervalMs: 20 });
    closers.push(() => bus.close());
    const store = new SqliteAlertStore(join(dir, 'alerts.sqlite'));
    closers.push(() => store.close?.());
    const smtp = await smtpServer();
    // A port nobody listens on: a server started and stopped.
    const dead = await smtpServer();
    await closers.pop()!();
    const render = messageRenderer(brands, 'https://ecoute.example.org');
    const ok = new EmailNotifier(email({ name: 'mail', host: '127.0.0.1', port: smtp.port }), render);
    const down = new EmailNotifier(email({ name: 'pager', host: '127.0.0.1', port: dead.port, max_attempts: 3, brands: ['acme'] }), render);
    closers.push(() => ok.close(), () => down.close());

    // Windows that ended 10 minutes ago: each delay is in the (600 s, 1800 s] bucket.
    const windowEnd = new Date(Date.now() - 10 * 60_000).toISOString();
    const events = [openedEvent('n1', { windowEnd }), openedEvent('n2', { windowEnd })];
    await bus.publish('alerts', events.map((e) => ({ key: e.incident.brand, value: JSON.stringify(e) })));
    // The same first event again (a replay): a repeat, skipped by the notifier that sent it.
    await bus.publish('alerts', [{ key: events[0]!.incident.brand, value: JSON.stringify(events[0]) }]);

    const stage = startNotifyStage({ bus, store, notifiers: [ok, down], log: silentLogger });
    const end = await bus.endOffsets('alerts');
    await eventually('both notifiers through the topic', async () => reached(await bus.committedOffsets('alerts', 'ecoute-notify-mail'), end) && reached(await bus.committedOffsets('alerts', 'ecoute-notify-pager'), end));
    await stage.close();

    expect(smtp.mails.map((m) => m.headers.get('x-ecoute-idempotency-key'))).toEqual(events.map((e) => e.key));
    const s = await samples();
    const n = (notifier: string, outcome: string) => value(s, 'ecoute_notifications_total', { notifier, outcome });
    expect(n('mail', 'sent')).toBe(2);
    expect(n('mail', 'skipped')).toBe(1);
    expect(n('mail', 'failed_try')).toBe(0);
    expect(n('mail', 'dead_lettered')).toBe(0);
    // pager: the first event 3 tries then dead-lettered, the second the same; the repeat is skipped
    // because its first copy was dead-lettered.
    expect(n('pager', 'sent')).toBe(0);
    expect(n('pager', 'failed_try')).toBe(6);
    expect(n('pager', 'dead_lettered')).toBe(2);
    expect(n('pager', 'skipped')).toBe(1);
    expect(value(s, 'ecoute_errors_total', { code: 'NOTIFY_SMTP' })).toBe(6);
    // The delay: 2 observations (only sent notifications), both above 600 s and at most 1800 s.
    expect(value(s, 'ecoute_alert_delay_seconds_count', { notifier: 'mail' })).toBe(2);
    expect(value(s, 'ecoute_alert_delay_seconds_bucket', { notifier: 'mail', le: '600' })).toBe(0);
    expect(value(s, 'ecoute_alert_delay_seconds_bucket', { notifier: 'mail', le: '1800' })).toBe(2);
    expect(value(s, 'ecoute_alert_delay_seconds_sum', { notifier: 'mail' })).toBeGreaterThan(1200);
    expect(value(s, 'ecoute_alert_delay_seconds_count', { notifier: 'pager' })).toBe(0);
    // The two dead letters are on the topic, one per event.
    expect((await bus.read('mentions.dlq', {})).length).toBe(2);
  }, 60_000);
});

/** A clock the test moves: each timer fires when the time passes it. */
class FakeClock implements Clock {
  private timers: { at: number; fn: () => void }[] = [];
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  setTimer(ms: number, fn: () => void): unknown {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return timer;
  }
  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }
}

describe('report delivery metrics', () => {
  it('one run to a folder that works and one that cannot be written, then two restarts: sent 1, failed 2, skipped 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecoute-metric-reports-'));
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the folder should be');
    const config = parseConfig(
      `data_dir: ${join(dir, 'data')}
brands:
  - id: acme
    name: Acme
    query: acme
    reports:
      - { name: daily, cron: '0 8 * * *', time_zone: UTC, period: day, formats: [md], deliveries: [{ type: folder, path: ${join(dir, 'out')} }, { type: folder, path: ${blocked} }] }
`,
      join(dir, 'ecoute.yaml'),
    );
    const store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
    await store.ensureSchema();
    closers.push(() => store.close());
    const runs: RunResult[] = [];
    const before = await samples();
    const at = (status: string, s = before) => value(s, 'ecoute_report_deliveries_total', { status });
    // First seen at 07:00 (no run yet); started again at 09:00 and 09:30: the 08:00 run missed while
    // écoute was down is caught up at each start until every destination got it.
    for (const now of ['2026-11-30T07:00:00Z', '2026-11-30T09:00:00Z', '2026-11-30T09:30:00Z']) {
      const scheduler = new ReportScheduler({
        sources: reportSources(store, config.brands),
        dataDir: join(dir, 'data'),
        log: silentLogger,
        clock: new FakeClock(Date.parse(now)),
        onRun: (r) => {
          runs.push(r);
          countReportRun(r); // what `ecoute run` wires (src/cli/commands/run.ts)
        },
      });
      await scheduler.start();
      await scheduler.idle();
      await scheduler.stop();
    }
    expect(runs.map((r) => r.deliveries.map((d) => d.status))).toEqual([
      ['sent', 'failed'],
      ['skipped', 'failed'],
    ]);
    const s = await samples();
    expect(at('sent', s) - at('sent')).toBe(1);
    expect(at('failed', s) - at('failed')).toBe(2);
    expect(at('skipped', s) - at('skipped')).toBe(1);
    expect(value(s, 'ecoute_errors_total', { code: 'REPORT_DELIVERY_FAILED' }) - value(before, 'ecoute_errors_total', { code: 'REPORT_DELIVERY_FAILED' })).toBe(2);
  }, 60_000);
});
