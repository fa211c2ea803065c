// Embedded `ecoute run` with alert rules notifying a local webhook receiver and a report schedule
// (every minute) delivering to another, killed with SIGKILL five times at random points: while the
// alert windows fill and close, just after a notification reached the receiver, just after a
// report did; restarted each time. The oracle, counted on the receivers: every incident event on
// the `alerts` topic arrives, once by Idempotency-Key; by count too, except a repeat whose first copy
// reached the receiver in the instant before a kill (the answer was on its way, the delivery log not
// yet written: at-least-once, the repeat carries the same key); every report the delivery log says
// sent arrived once; and after the last restart the pipeline still flows (a fresh report arrives).
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Database } from '../../src/core/sqlite-driver.js';
import { afterAll, describe, expect, it } from 'vitest';
import { notifyGroup } from '../../src/alerts/notify-stage.js';
import { ALERTS_GROUP } from '../../src/alerts/stage.js';
import type { IncidentEvent } from '../../src/alerts/types.js';
import { openBus } from '../../src/app/runtime.js';
import { loadConfig } from '../../src/config/load.js';
import { reached, type Bus } from '../../src/streams/bus/types.js';
import { stageStream } from '../helpers/alert-streams.js';
import { workspace } from '../helpers/cli.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

process.env.FAULTS_NOTIFY_SECRET = 'faults-notify-secret-0123456789';
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when the receiver has more than `count` requests (or after `ms`: false). */
async function nextRequest(receiver: Receiver, count: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (receiver.requests.length <= count) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

describe('embedded alerts stage, notify stage and report scheduler killed with -9', () => {
  it('sends every incident notification and every scheduled report once, by key and by count', async () => {
    const alertsHook = await startReceiver([{ status: 200 }]);
    const reportsHook = await startReceiver([{ status: 200 }]);
    const arrivals = { alerts: [] as number[], reports: [] as number[] };
    const kills: number[] = [];
    const ws = workspace();
    const yaml = `data_dir: ${join(ws.dir, 'data')}
http: { host: 127.0.0.1, port: 0 }
alerts:
  notifiers: [{ type: webhook, name: ops, url: '${alertsHook.url}/alerts', secret_env: FAULTS_NOTIFY_SECRET }]
brands:
  - id: acme
    name: Acme
    query: acme
    alerts: { default_window: 1h, grace_seconds: 60 }
    reports:
      - { name: minutely, cron: '* * * * *', time_zone: UTC, period: day, formats: [json], deliveries: [{ type: webhook, url: '${reportsHook.url}/reports' }] }
`;
    writeFileSync(ws.config, yaml);
    let bus: Bus | undefined;
    const start = () => {
      const child = ws.spawn(['run']);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
      Object.defineProperty(child, 'errTail', { get: () => err });
      children.push(child);
      return child;
    };
    const tail = (c: ChildProcess) => (c as unknown as { errTail: string }).errTail;
    const kill = async (child: ChildProcess) => {
      if (child.exitCode !== null) throw new Error(`ecoute run exited by itself: ${tail(child)}`);
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      kills.push(Date.now());
      await exited;
    };
    // Arrival times, to tell a repeat caused by a kill from one that is not.
    const watch = setInterval(() => {
      while (arrivals.alerts.length < alertsHook.requests.length) arrivals.alerts.push(Date.now());
      while (arrivals.reports.length < reportsHook.requests.length) arrivals.reports.push(Date.now());
    }, 2);
    try {
      // 1. While the stages read ten days of mentions with a tone drop: a random point.
      let run = start();
      await sleep(3000); // the child opens the data files first; the bus file is shared with it
      bus = openBus(loadConfig(ws.config));
      const mentions = stageStream();
      for (let i = 0; i < mentions.length; i += 500) await bus.publish('mentions.analyzed', mentions.slice(i, i + 500).map((m) => ({ key: m.id, value: JSON.stringify(m) })));
      await sleep(1000 + Math.random() * 4000);
      await kill(run);
      // 2 and 3. Just after a notification reached the receiver (or, when none comes, at random).
      for (let k = 0; k < 2; k++) {
        run = start();
        const seen = alertsHook.requests.length;
        await nextRequest(alertsHook, seen, 60_000);
        await sleep(Math.random() * 300);
        await kill(run);
      }
      // 4. Just after a scheduled report reached its receiver.
      run = start();
      expect(await nextRequest(reportsHook, reportsHook.requests.length, 90_000)).toBe(true);
      await sleep(Math.random() * 300);
      await kill(run);
      // 5. Anywhere in the first seconds of a start (the report catch-up, the alert rebuild).
      run = start();
      await sleep(Math.random() * 5000);
      await kill(run);

      // The last start: everything is caught up, and a fresh report still arrives.
      run = start();
      const caughtUp = async () => {
        const deadline = Date.now() + 150_000;
        for (;;) {
          if (run.exitCode !== null) throw new Error(`ecoute run exited: ${tail(run)}`);
          const analyzed = reached(await bus!.committedOffsets('mentions.analyzed', ALERTS_GROUP), await bus!.endOffsets('mentions.analyzed'));
          const notified = reached(await bus!.committedOffsets('alerts', notifyGroup('ops')), await bus!.endOffsets('alerts'));
          if (analyzed && notified) return;
          if (Date.now() > deadline) throw new Error(`not caught up: ${tail(run)}`);
          await sleep(200);
        }
      };
      await caughtUp();
      const reportsBefore = reportsHook.requests.length;
      expect(await nextRequest(reportsHook, reportsBefore, 90_000)).toBe(true);
      await caughtUp();

      // Alerts: every event of the topic at the receiver, once by key.
      const events = (await bus.read('alerts', {})).map((r) => JSON.parse(r.value) as IncidentEvent);
      const eventKeys = [...new Set(events.map((e) => e.key))].sort();
      expect(events.filter((e) => e.kind === 'opened').map((e) => e.alert?.rule)).toContain('tone-drop');
      const received = alertsHook.requests.map((r) => String(r.headers['idempotency-key']));
      expect([...new Set(received)].sort()).toEqual(eventKeys);
      const repeats = (requests: string[], times: number[]) =>
        requests.flatMap((key, i) => {
          const first = requests.indexOf(key);
          if (first === i) return [];
          // A kill after the first copy arrived and before this one: the in-flight case.
          const explained = kills.some((k) => k >= (times[first] ?? 0) && k <= (times[i] ?? Infinity) && k - (times[first] ?? 0) < 5000);
          return [{ key, explained }];
        });
      const alertRepeats = repeats(received, arrivals.alerts);
      expect(alertRepeats.filter((r) => !r.explained)).toEqual([]);

      // Reports: each run the delivery log says sent arrived; none twice unexplained. The log row is
      // written just after the receiver answered: wait for it.
      const reportKeys = reportsHook.requests.map((r) => String(r.headers['idempotency-key']));
      const sentRuns = () => {
        const db = new Database(join(ws.dir, 'data', 'reports.sqlite'), { readonly: true });
        try {
          return (db.prepare("SELECT run_at_ms FROM deliveries WHERE status = 'sent'").all() as { run_at_ms: number }[]).map((r) => `acme/minutely@${new Date(r.run_at_ms).toISOString()}`).sort();
        } finally {
          db.close();
        }
      };
      let sent = sentRuns();
      for (const end = Date.now() + 30_000; reportKeys.some((k) => !sent.includes(k)) && Date.now() < end; sent = sentRuns()) await sleep(100);
      // Received but not logged as sent: only a report whose answer a kill cut off (and whose run a
      // later one superseded at the next start) may be.
      const unlogged = reportKeys.filter((k) => !sent.includes(k));
      const cutOff = (key: string) => kills.some((k) => k >= (arrivals.reports[reportKeys.indexOf(key)] ?? Infinity) && k - (arrivals.reports[reportKeys.indexOf(key)] ?? 0) < 5000);
      expect(unlogged.filter((k) => !cutOff(k))).toEqual([]);
      expect(sent.filter((k) => !reportKeys.includes(k))).toEqual([]);
      const reportRepeats = repeats(reportKeys, arrivals.reports);
      expect(reportRepeats.filter((r) => !r.explained)).toEqual([]);
      console.log(
        JSON.stringify({
          test: 'alerts-reports-kill',
          kills: kills.length,
          incident_events: eventKeys.length,
          notifications: received.length,
          notification_repeats_after_kill: alertRepeats.length,
          reports: reportKeys.length,
          report_runs: sent.length,
          reports_cut_off_by_kill: unlogged.length,
          report_repeats_after_kill: reportRepeats.length,
        }),
      );
      run.kill('SIGINT');
      const [code] = await once(run, 'exit');
      expect(code).toBe(0);
    } finally {
      clearInterval(watch);
      await bus?.close();
      await alertsHook.close();
      await reportsHook.close();
    }
  }, 290_000);
});
