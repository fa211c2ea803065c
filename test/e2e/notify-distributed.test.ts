// The notify stage in distributed mode: a real Kafka bus (the `alerts` topic, a consumer group per
// notifier) and the Elasticsearch AlertStore (the delivery log), delivering to a real local HTTP
// receiver. Each event is sent once; a replay is skipped; a restarted stage sends only what is new.
import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertsDeliverySchema, type WebhookNotifierConfig } from '../../src/alerts/notifiers/config.js';
import { WebhookNotifier } from '../../src/alerts/notifiers/webhook.js';
import { startNotifyStage } from '../../src/alerts/notify-stage.js';
import { ElasticsearchAlertStore } from '../../src/alerts/store/index.js';
import type { IncidentEvent } from '../../src/alerts/types.js';
import { createLogger } from '../../src/core/log.js';
import { KafkaBusSchema } from '../../src/streams/bus/kafka/config.js';
import { KafkaBus } from '../../src/streams/bus/kafka.js';
import { openedEvent } from '../helpers/alert-fixtures.js';
import { startReceiver } from '../helpers/receiver.js';
import { requireElasticsearch, requireKafka } from '../helpers/services.js';

const brokers = await requireKafka();
const es = await requireElasticsearch();
process.env.TEST_NOTIFY_KAFKA_SECRET = 'kafka-notify-secret-0123456789';
const quiet = createLogger({}, { write: () => true } as unknown as NodeJS.WritableStream);

describe.skipIf(!brokers || !es)('notify stage on Kafka and Elasticsearch', () => {
  const prefix = `test.notify.${randomUUID().slice(0, 8)}.`;
  const store = new ElasticsearchAlertStore({ node: es ?? '', indexPrefix: `ecoute-notify-test-${randomBytes(4).toString('hex')}` });
  const bus = new KafkaBus(KafkaBusSchema.parse({ type: 'kafka', brokers: (brokers ?? '').split(','), client_id: 'ecoute-test', topic_prefix: prefix, retry_backoff_ms: 50 }));

  afterAll(async () => {
    await bus.close();
    // Everything of this run's prefix goes: its topics and its consumer groups.
    const admin = new Kafka({ clientId: 'ecoute-test-admin', brokers: (brokers ?? '').split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
    await store.deleteAll();
    await store.close();
  });

  it('sends each event once, skips a replay, and a restarted stage sends only the new one', async () => {
    await bus.start();
    await store.ensureSchema();
    const receiver = await startReceiver([{ status: 200 }]);
    try {
      const config = AlertsDeliverySchema.parse({ notifiers: [{ type: 'webhook', name: 'ops', url: receiver.url, secret_env: 'TEST_NOTIFY_KAFKA_SECRET' }] }).notifiers[0] as WebhookNotifierConfig;
      const seen: string[] = [];
      const waiters: { n: number; resolve: () => void }[] = [];
      const start = () =>
        startNotifyStage({
          bus,
          store,
          notifiers: [new WebhookNotifier(config)],
          log: quiet,
          onDelivery: (_n, event, status) => {
            seen.push(`${status} ${event.key}`);
            for (const w of waiters.filter((w) => seen.length >= w.n)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
          },
        });
      const reach = (n: number) => (seen.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
      const publish = (...events: IncidentEvent[]) => bus.publish('alerts', events.map((e) => ({ key: e.incident.id, value: JSON.stringify(e) })));
      const first = openedEvent('k1');
      const stage = start();
      await publish(first);
      await reach(1);
      await publish(first);
      await reach(2);
      await stage.close();
      const second = openedEvent('k2');
      const again = start();
      await publish(first, second);
      await reach(4);
      await again.close();
      expect(seen).toEqual([`sent ${first.key}`, `skipped ${first.key}`, `skipped ${first.key}`, `sent ${second.key}`]);
      expect(receiver.requests.map((r) => r.headers['idempotency-key'])).toEqual([first.key, second.key]);
      expect(await store.deliveryStatus(second.key, 'ops')).toBe('sent');
    } finally {
      await receiver.close();
    }
  }, 180_000);
});
