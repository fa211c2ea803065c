// The notify stage on a real embedded bus and a real SQLite alert store, delivering to a real local
// HTTP receiver: each incident event is sent once per notifier, a replay or a restart sends nothing
// again, a receiver that keeps failing gets the message dead-lettered (without the secret), and the
// counts say exactly what happened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertsDeliverySchema, type WebhookNotifierConfig } from '../../src/alerts/notifiers/config.js';
import { WebhookNotifier } from '../../src/alerts/notifiers/webhook.js';
import { startNotifyStage, type NotifyStageOptions } from '../../src/alerts/notify-stage.js';
import { SqliteAlertStore } from '../../src/alerts/store/index.js';
import type { IncidentEvent } from '../../src/alerts/types.js';
import { createLogger } from '../../src/core/log.js';
import { EmbeddedBus } from '../../src/streams/bus/embedded.js';
import type { DeadLetter } from '../../src/streams/dead-letter.js';
import { openedEvent } from '../helpers/alert-fixtures.js';
import { startReceiver, type Answer, type Receiver } from '../helpers/receiver.js';

const SECRET = 'notify-stage-secret-0123456789';
process.env.TEST_NOTIFY_SECRET = SECRET;
const quiet = createLogger({}, { write: () => true } as unknown as NodeJS.WritableStream);

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(answers: Answer[], overrides: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ecoute-notify-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const bus = new EmbeddedBus({ file: join(dir, 'bus.sqlite'), pollIntervalMs: 20, retryBackoffMs: 20 });
  cleanup.push(() => bus.close());
  const store = new SqliteAlertStore(join(dir, 'alerts.sqlite'));
  cleanup.push(() => store.close());
  const receiver: Receiver = await startReceiver(answers);
  cleanup.push(() => receiver.close());
  const config = AlertsDeliverySchema.parse({
    notifiers: [{ type: 'webhook', name: 'ops', url: receiver.url, secret_env: 'TEST_NOTIFY_SECRET', retry_min_ms: 5, retry_max_ms: 20, ...overrides }],
  }).notifiers[0] as WebhookNotifierConfig;
  const outcomes: { status: string; key: string }[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const start = (extra: Partial<NotifyStageOptions> = {}) => {
    const stage = startNotifyStage({
      bus,
      store,
      notifiers: [new WebhookNotifier(config)],
      log: quiet,
      onDelivery: (_n, event, status) => {
        outcomes.push({ status, key: event.key });
        for (const w of waiters.filter((w) => outcomes.length >= w.n)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
      },
      ...extra,
    });
    cleanup.push(() => stage.close());
    return stage;
  };
  const outcomesReach = (n: number) => (outcomes.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
  const publish = (...events: IncidentEvent[]) => bus.publish('alerts', events.map((e) => ({ key: e.incident.id, value: JSON.stringify(e) })));
  return { bus, store, receiver, start, publish, outcomes, outcomesReach };
}

describe('notify stage', () => {
  it('sends each event once; the same event again (a replay) and a restart send nothing new', async () => {
    const t = await setup([{ status: 200 }]);
    const stage = t.start();
    const first = openedEvent('n1');
    await t.publish(first);
    await t.outcomesReach(1);
    expect(t.outcomes).toEqual([{ status: 'sent', key: first.key }]);
    expect(await t.store.deliveryStatus(first.key, 'ops')).toBe('sent');
    await t.publish(first); // replayed by the engine (or the topic re-read)
    await t.outcomesReach(2);
    expect(t.outcomes[1]).toEqual({ status: 'skipped', key: first.key });
    await stage.close();
    // A new process on the same bus and store: the repeat below is skipped, the new event sent.
    const again = t.start();
    const second = openedEvent('n2');
    await t.publish(first, second);
    await t.outcomesReach(4);
    expect(t.outcomes.slice(2)).toEqual([
      { status: 'skipped', key: first.key },
      { status: 'sent', key: second.key },
    ]);
    expect(t.receiver.requests.map((r) => r.headers['idempotency-key'])).toEqual([first.key, second.key]);
    expect(stage.counts.ops).toEqual({ sent: 1, failed: 0, deadLettered: 0, skipped: 1 });
    expect(again.counts.ops).toEqual({ sent: 1, failed: 0, deadLettered: 0, skipped: 1 });
  });

  it('dead-letters a message every try failed, in the dead-letter format, without the secret', async () => {
    // A hostile receiver echoing the secret back in its error body.
    const t = await setup([{ status: 500, body: `upstream said ${SECRET}` }], { max_attempts: 3 });
    const stage = t.start();
    const event = openedEvent('d1');
    await t.publish(event);
    await t.outcomesReach(1);
    expect(t.outcomes).toEqual([{ status: 'dead_lettered', key: event.key }]);
    expect(t.receiver.requests).toHaveLength(3);
    expect(stage.counts.ops).toEqual({ sent: 0, failed: 3, deadLettered: 1, skipped: 0 });
    expect(await t.store.deliveryStatus(event.key, 'ops')).toBe('dead_lettered');
    const [record] = await t.bus.read('mentions.dlq', { 0: 0 });
    expect(record).toBeDefined();
    const letter = JSON.parse(record!.value) as DeadLetter;
    expect(letter).toMatchObject({ stage: 'notify', code: 'NOTIFY_HTTP', origin: { topic: 'alerts', partition: 0, offset: 0 } });
    expect(letter.reason).toContain('notifier ops: gave up after 3 tries');
    expect(JSON.parse(letter.input)).toMatchObject({ key: event.key });
    expect(record!.headers).toMatchObject({ 'ecoute-error-code': 'NOTIFY_HTTP', 'ecoute-stage': 'notify', 'ecoute-notifier': 'ops' });
    expect(JSON.stringify(record)).not.toContain(SECRET);
    expect(letter.reason).toContain('[secret]');
    // A replay of a dead-lettered event is not tried again (the dead letter is what to replay).
    await t.publish(event);
    await t.outcomesReach(2);
    expect(t.outcomes[1]?.status).toBe('skipped');
    expect(t.receiver.requests).toHaveLength(3);
  });

  it('sends only what the notifier takes: its brands, least severity and kinds of change', async () => {
    const t = await setup([{ status: 200 }], { brands: ['acme'], min_severity: 'high', events: ['opened'] });
    const stage = t.start();
    const globex = openedEvent('f1', { brand: 'globex' });
    const low = openedEvent('f2', { severity: 'low' });
    low.incident.severity = 'low';
    const resolved: IncidentEvent = { ...openedEvent('f3'), kind: 'resolved', key: 'inc-f3:resolved:1' };
    const wanted = openedEvent('f4', { severity: 'critical' });
    wanted.incident.severity = 'critical';
    await t.publish(globex, low, resolved, wanted);
    await t.outcomesReach(1);
    expect(t.outcomes).toEqual([{ status: 'sent', key: wanted.key }]);
    expect(t.receiver.requests).toHaveLength(1);
    expect(stage.counts.ops).toMatchObject({ sent: 1, skipped: 3 });
  });

  it('stopped between tries, it leaves the event uncommitted: the next start sends it, once', async () => {
    const t = await setup([{ status: 503 }, { status: 200 }], { retry_min_ms: 60_000, retry_max_ms: 60_000, max_attempts: 5 });
    const stage = t.start();
    const event = openedEvent('r1');
    await t.publish(event);
    await t.receiver.received(1); // the first try failed; the next is a minute away
    await stage.close();
    expect(await t.store.deliveryStatus(event.key, 'ops')).toBe('failed');
    const again = t.start();
    await t.outcomesReach(1);
    expect(t.outcomes).toEqual([{ status: 'sent', key: event.key }]);
    expect(again.counts.ops?.sent).toBe(1);
    expect(await t.store.deliveryStatus(event.key, 'ops')).toBe('sent');
  }, 20_000);
});
