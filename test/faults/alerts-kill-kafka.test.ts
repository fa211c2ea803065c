// Distributed: `ecoute worker alerts` (the alert engine and, beside it, the notify stage) on the
// shared Kafka (a topic prefix of our own) with `ecoute worker index`, notifying a local webhook
// receiver; the alerts worker is killed with SIGKILL three times (while the windows fill, and just
// after a notification reached the receiver) and restarted. The oracle, on the receiver: every
// incident event of the `alerts` topic arrives, once by Idempotency-Key, and by count too except a
// repeat whose first copy arrived in the instant before a kill (at-least-once; same key).
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { notifyGroup } from '../../src/alerts/notify-stage.js';
import { ALERTS_GROUP } from '../../src/alerts/stage.js';
import type { IncidentEvent } from '../../src/alerts/types.js';
import { openBus } from '../../src/app/runtime.js';
import { parseConfig } from '../../src/config/load.js';
import { reached } from '../../src/streams/bus/types.js';
import { stageStream } from '../helpers/alert-streams.js';
import { workspace } from '../helpers/cli.js';
import { startReceiver } from '../helpers/receiver.js';
import { deleteKafkaPrefix, requireKafka } from '../helpers/services.js';

const brokers = await requireKafka();
process.env.FAULTS_KAFKA_NOTIFY_SECRET = 'faults-kafka-notify-secret-0123456789';
const children: ChildProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let prefix = '';

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  if (!brokers || !prefix) return;
  // Everything of this run's prefix goes: its topics and its consumer groups.
  await deleteKafkaPrefix(brokers, prefix);
});

describe.skipIf(!brokers)('ecoute worker alerts on Kafka killed with -9', () => {
  it('notifies every incident event once, by key and by count', async () => {
    prefix = `faultsalerts${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.`;
    const hook = await startReceiver([{ status: 200 }]);
    const arrivals: number[] = [];
    const kills: number[] = [];
    const ws = workspace();
    const yaml = `data_dir: ${join(ws.dir, 'data')}
bus: { type: kafka, brokers: ['${brokers}'], topic_prefix: '${prefix}', partitions: 2 }
alerts:
  notifiers: [{ type: webhook, name: ops, url: '${hook.url}/alerts', secret_env: FAULTS_KAFKA_NOTIFY_SECRET }]
brands:
  - { id: acme, name: Acme, query: acme, alerts: { default_window: 1h, grace_seconds: 60 } }
`;
    writeFileSync(ws.config, yaml);
    const bus = openBus(parseConfig(yaml));
    const start = (stage: string) => {
      const child = ws.spawn(['worker', stage]);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
      Object.defineProperty(child, 'errTail', { get: () => err });
      children.push(child);
      return child;
    };
    const tail = (c: ChildProcess) => (c as unknown as { errTail: string }).errTail;
    const kill = async (child: ChildProcess) => {
      if (child.exitCode !== null) throw new Error(`the alerts worker exited by itself: ${tail(child)}`);
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      kills.push(Date.now());
      await exited;
    };
    const watch = setInterval(() => {
      while (arrivals.length < hook.requests.length) arrivals.push(Date.now());
    }, 2);
    const index = start('index');
    try {
      await bus.endOffsets('mentions.analyzed'); // connects and creates the topics
      let alerts = start('alerts');
      const mentions = stageStream();
      for (let i = 0; i < mentions.length; i += 500) await bus.publish('mentions.analyzed', mentions.slice(i, i + 500).map((m) => ({ key: m.id, value: JSON.stringify(m) })));
      await sleep(2000 + Math.random() * 5000);
      await kill(alerts);
      for (let k = 0; k < 2; k++) {
        alerts = start('alerts');
        const seen = hook.requests.length;
        for (const end = Date.now() + 90_000; hook.requests.length <= seen && Date.now() < end; ) await sleep(5);
        await sleep(Math.random() * 300);
        await kill(alerts);
      }
      alerts = start('alerts');
      const deadline = Date.now() + 180_000;
      for (;;) {
        if (alerts.exitCode !== null) throw new Error(`the alerts worker exited: ${tail(alerts)}`);
        if (index.exitCode !== null) throw new Error(`the index worker exited: ${tail(index)}`);
        const analyzed = reached(await bus.committedOffsets('mentions.analyzed', ALERTS_GROUP), await bus.endOffsets('mentions.analyzed'));
        const notified = reached(await bus.committedOffsets('alerts', notifyGroup('ops')), await bus.endOffsets('alerts'));
        if (analyzed && notified) break;
        if (Date.now() > deadline) throw new Error(`not caught up: ${tail(alerts)}`);
        await sleep(300);
      }
      const events = (await bus.read('alerts', {})).map((r) => JSON.parse(r.value) as IncidentEvent);
      const eventKeys = [...new Set(events.map((e) => e.key))].sort();
      expect(events.filter((e) => e.kind === 'opened').map((e) => e.alert?.rule)).toContain('tone-drop');
      const received = hook.requests.map((r) => String(r.headers['idempotency-key']));
      expect([...new Set(received)].sort()).toEqual(eventKeys);
      const repeats = received.flatMap((key, i) => {
        const first = received.indexOf(key);
        if (first === i) return [];
        const explained = kills.some((k) => k >= (arrivals[first] ?? 0) && k <= (arrivals[i] ?? Infinity) && k - (arrivals[first] ?? 0) < 5000);
        return [{ key, explained }];
      });
      expect(repeats.filter((r) => !r.explained)).toEqual([]);
      console.log(JSON.stringify({ test: 'alerts-kill-kafka', kills: kills.length, incident_events: eventKeys.length, notifications: received.length, notification_repeats_after_kill: repeats.length }));
      // The last worker may still be starting when its offsets are already at the end (its
      // predecessor committed them): a SIGTERM before its stop handler is installed is not a drain.
      const startedBy = Date.now() + 120_000;
      while (!/worker started/.test(tail(alerts))) {
        if (alerts.exitCode !== null) throw new Error(`the alerts worker exited: ${tail(alerts)}`);
        if (Date.now() > startedBy) throw new Error(`the alerts worker did not start: ${tail(alerts)}`);
        await sleep(200);
      }
      const exited = once(alerts, 'exit');
      alerts.kill('SIGTERM');
      const [code, signal] = (await exited) as [number | null, string | null];
      expect({ code, signal, tail: code === 0 ? '' : tail(alerts) }).toEqual({ code: 0, signal: null, tail: '' });
    } finally {
      clearInterval(watch);
      if (index.exitCode === null) {
        index.kill('SIGTERM');
        await once(index, 'exit');
      }
      await bus.close();
      await hook.close();
    }
  }, 290_000);
});
