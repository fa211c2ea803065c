// Scheduled reports with a fake clock: a daily report at 08:00 in Paris fires at 07:00 UTC in winter
// and 06:00 UTC in summer, across both daylight-saving changes (last Sunday of March and of
// October), each covering the local day before (23 or 25 hours long on the change days); a run
// missed while écoute was down is made once at the next start, and a second restart sends nothing
// again; the email arrives at a real (in-process) SMTP server with the PDF attached.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, type BrandConfig } from '../../src/config/schema.js';
import { createLogger } from '../../src/core/log.js';
import { reportSources } from '../../src/reports/index.js';
import { ReportLog } from '../../src/reports/log.js';
import { ReportScheduler, type Clock, type RunResult } from '../../src/reports/scheduler.js';
import { EmbeddedMentionStore } from '../../src/store/embedded/index.js';
import { fixture } from './report-fixture.js';

const log = createLogger({}, new Writable({ write: (_c, _e, done) => done() }));
const dir = mkdtempSync(join(tmpdir(), 'ecoute-report-schedule-'));
let store: EmbeddedMentionStore;

/** A clock the test moves: timers fire in order of their time, each run awaited before the next. */
class FakeClock implements Clock {
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  setTimer(ms: number, fn: () => void): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  async advanceTo(targetIso: string, scheduler: ReportScheduler): Promise<void> {
    const target = Date.parse(targetIso);
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await scheduler.idle();
    }
    this.t = target;
  }
}

function brandsWith(reports: unknown[], dataDir = dir): BrandConfig[] {
  return ConfigSchema.parse({ data_dir: dataDir, brands: [{ id: 'acme', name: 'Acme', query: 'acme', competitors: ['globex'], reports }, { id: 'globex', name: 'Globex', query: 'globex' }] }).brands;
}

beforeAll(async () => {
  store = new EmbeddedMentionStore({ file: join(dir, 'store.sqlite') });
  await store.ensureSchema();
  await store.upsert(fixture());
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('report schedules across daylight-saving changes (Europe/Paris)', () => {
  it.each([
    [
      'March (last Sunday: 29 March 2026)',
      '2026-03-26T12:00:00Z',
      '2026-03-31T00:00:00Z',
      ['2026-03-27T07:00:00.000Z', '2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z'],
      { label: '2026-03-29', from: '2026-03-28T23:00:00.000Z', to: '2026-03-29T22:00:00.000Z' },
    ],
    [
      'October (last Sunday: 25 October 2026)',
      '2026-10-23T12:00:00Z',
      '2026-10-28T00:00:00Z',
      ['2026-10-24T06:00:00.000Z', '2026-10-25T07:00:00.000Z', '2026-10-26T07:00:00.000Z', '2026-10-27T07:00:00.000Z'],
      { label: '2026-10-25', from: '2026-10-24T22:00:00.000Z', to: '2026-10-25T23:00:00.000Z' },
    ],
  ])('a daily 08:00 report fires at 08:00 Paris time in %s', async (_name, start, end, expectedRuns, changeDay) => {
    const dataDir = mkdtempSync(join(dir, 'dst-'));
    const out = join(dataDir, 'out');
    const brands = brandsWith([{ name: 'daily', cron: '0 8 * * *', time_zone: 'Europe/Paris', period: 'day', formats: ['json'], deliveries: [{ type: 'folder', path: out }] }]);
    const clock = new FakeClock(Date.parse(start));
    const runs: RunResult[] = [];
    const scheduler = new ReportScheduler({ sources: reportSources(store, brands), dataDir, log, clock, onRun: (r) => runs.push(r) });
    await scheduler.start();
    await clock.advanceTo(end, scheduler);
    await scheduler.stop();
    expect(runs.map((r) => r.runAt)).toEqual(expectedRuns);
    expect(runs.every((r) => r.deliveries.length === 1 && r.deliveries[0]!.status === 'sent')).toBe(true);
    // The change day's report covers that local day: 23 hours in March, 25 in October.
    const report = JSON.parse(readFileSync(join(out, `acme-${changeDay.label}.json`), 'utf8'));
    expect(report.period).toMatchObject(changeDay);
    expect(report.empty).toBe(true);
    expect(report.message).toContain('Nothing to report for Acme');
  });
});

describe('a run missed while écoute was down', () => {
  let smtp: SMTPServer;
  let port: number;
  const mails: ParsedMail[] = [];
  let mailArrived: () => void = () => undefined;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            mails.push(mail);
            callback();
            mailArrived();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('is made once at the next start, emailed with the PDF attached, and never again', async () => {
    const dataDir = mkdtempSync(join(dir, 'missed-'));
    const out = join(dataDir, 'out');
    const brands = brandsWith([
      {
        name: 'weekly',
        cron: '0 8 * * 1',
        time_zone: 'Europe/Paris',
        period: 'week',
        formats: ['pdf', 'html'],
        deliveries: [
          { type: 'folder', path: out },
          { type: 'email', smtp: { host: '127.0.0.1', port }, from: 'ecoute <reports@example.com>', to: ['comms@example.com'] },
        ],
      },
    ]);
    const runs: RunResult[] = [];
    const start = async (at: string) => {
      const clock = new FakeClock(Date.parse(at));
      const scheduler = new ReportScheduler({ sources: reportSources(store, brands), dataDir, log, clock, onRun: (r) => runs.push(r) });
      await scheduler.start();
      await scheduler.idle();
      await scheduler.stop();
    };
    // Monday 9 November, 07:00 Paris: écoute runs and sees the schedule, then goes down before 08:00.
    await start('2026-11-09T06:00:00Z');
    expect(runs).toEqual([]);
    // Back at 10:00 Paris: the 08:00 run was missed; it is made now, once.
    const arrived = new Promise<void>((resolve) => (mailArrived = resolve));
    await start('2026-11-09T09:00:00Z');
    await arrived;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ schedule: 'acme/weekly', runAt: '2026-11-09T07:00:00.000Z', period: '2026-W45', empty: false });
    expect(runs[0]!.deliveries.map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(readdirSync(out).sort()).toEqual(['acme-2026-W45.html', 'acme-2026-W45.pdf']);
    // Started again: the log says it went everywhere; nothing is sent twice.
    await start('2026-11-09T09:30:00Z');
    expect(runs).toHaveLength(1);
    expect(mails).toHaveLength(1);
    const deliveryLog = new ReportLog(join(dataDir, 'reports.sqlite'));
    expect(deliveryLog.deliveries('acme/weekly').map((d) => [d.status, d.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
    deliveryLog.close();

    const mail = mails[0]!;
    expect(mail.subject).toBe('Acme: reputation report · 2026-W45');
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('comms@example.com');
    const pdf = mail.attachments.find((a) => a.filename === 'acme-2026-W45.pdf');
    expect(pdf?.contentType).toBe('application/pdf');
    expect(pdf!.content.subarray(0, 5).toString()).toBe('%PDF-');
    // The body is the HTML summary: the headline figures, readable without opening the PDF.
    expect(mail.html).toContain('Unique authors');
    expect(mail.html).toContain('Mentions');
    expect(mail.html).not.toContain('<script>alert');
    expect(existsSync(join(out, 'acme-2026-W45.pdf'))).toBe(true);
  });
});
