// The notify stage: incident events from the `alerts` topic → each configured notifier, once.
// One consumer group per notifier (ecoute-notify-<name>), so a receiver that is down delays only
// its own messages. Before sending, the delivery log (AlertStore.deliveryStatus) is read: a 'sent'
// or 'dead_lettered' row makes the event a no-op, so a replay of the topic or a restart never sends
// twice. A message that every try failed goes to mentions.dlq (the dead-letter format of every
// stage: the event as it was on the topic, the reason, the offset; never a credential) and its row
// says so; the offset is committed after the row is written. When the stage is stopped between
// tries the row says 'failed' and the batch is not committed: the next start tries it again.
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { secretScrubber } from '../core/scrub.js';
import type { Bus, ConsumedRecord, Consumer } from '../streams/bus/types.js';
import { deadLetterRecord } from '../streams/dead-letter.js';
import { accepts, deliver, type Notifier } from './notifiers/index.js';
import type { AlertStore } from './store/types.js';
import type { IncidentEvent } from './types.js';
import { countNotification } from '../ops/metrics.js'; // Operations (issue 14, ops14)

export const NOTIFY_GROUP_PREFIX = 'ecoute-notify-';
export const notifyGroup = (notifier: string): string => `${NOTIFY_GROUP_PREFIX}${notifier}`;

export interface NotifyCounts {
  /** Messages delivered. */
  sent: number;
  /** Tries that failed (each was retried, or ended in a dead letter). */
  failed: number;
  /** Messages given up on and written to mentions.dlq. */
  deadLettered: number;
  /** Events this notifier does not take (brand, severity, kind) or already delivered (a replay). */
  skipped: number;
}

export interface NotifyStageOptions {
  bus: Bus;
  store: AlertStore;
  notifiers: readonly Notifier[];
  log: Logger;
  onError?: (error: unknown) => void;
  /** Called after each delivery outcome (tests, benchmarks, the run summary). */
  onDelivery?: (notifier: string, event: IncidentEvent, status: 'sent' | 'dead_lettered' | 'skipped') => void;
}

export interface RunningNotify {
  readonly counts: Readonly<Record<string, NotifyCounts>>;
  readonly done: Promise<void>;
  close(): Promise<void>;
}

function readEvent(record: ConsumedRecord): IncidentEvent | undefined {
  try {
    const event = JSON.parse(record.value) as IncidentEvent;
    return typeof event?.key === 'string' && typeof event.incident?.id === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}

export function startNotifyStage(options: NotifyStageOptions): RunningNotify {
  const { bus, store, log } = options;
  const stopping = new AbortController();
  const counts: Record<string, NotifyCounts> = {};
  let schema: Promise<void> | undefined;
  const ensureSchema = () => {
    schema ??= store.ensureSchema().catch((error: unknown) => {
      schema = undefined;
      throw error;
    });
    return schema;
  };
  const consumers: Consumer[] = options.notifiers.map((notifier) => {
    const count: NotifyCounts = (counts[notifier.name] = { sent: 0, failed: 0, deadLettered: 0, skipped: 0 });
    const nlog = log.child({ notifier: notifier.name });
    return bus.consume(
      'alerts',
      notifyGroup(notifier.name),
      async (batch) => {
        await ensureSchema();
        for (const record of batch) {
          const event = readEvent(record);
          // Not an incident event (the engine's topic holds nothing else): nothing to send; the
          // engine's own dead letters cover unreadable records.
          if (!event || !accepts(notifier.config, event)) {
            count.skipped++;
            continue;
          }
          const previous = await store.deliveryStatus(event.key, notifier.name);
          if (previous === 'sent' || previous === 'dead_lettered') {
            count.skipped++;
            countNotification(notifier.name, 'skipped');
            options.onDelivery?.(notifier.name, event, 'skipped');
            continue;
          }
          const outcome = await deliver(notifier, event, {
            signal: stopping.signal,
            onFailedTry: (error, attempt) => {
              count.failed++;
              countNotification(notifier.name, 'failed_try', undefined, Date.now(), error.code);
              nlog.warn(`${event.key}: try ${attempt} of ${notifier.config.max_attempts} failed [${error.code}]: ${error.message}`);
            },
          });
          const at = new Date().toISOString();
          if (outcome.status === 'failed') {
            await store.recordDelivery({ key: event.key, notifier: notifier.name, status: 'failed', attempts: outcome.attempts, at, error: outcome.error.message });
            throw outcome.error; // stopping: the batch stays uncommitted, the next start goes on from here
          }
          if (outcome.status === 'dead_lettered') {
            const reason = secretScrubber.scrub(`notifier ${notifier.name}: gave up after ${outcome.attempts} tries: ${outcome.error.message}`);
            await bus.publish('mentions.dlq', [
              deadLetterRecord(
                { stage: 'notify', code: outcome.error.code, reason, origin: { topic: record.topic, partition: record.partition, offset: record.offset }, input: secretScrubber.scrub(record.value) },
                { ...record.headers, 'ecoute-notifier': notifier.name },
              ),
            ]);
            await store.recordDelivery({ key: event.key, notifier: notifier.name, status: 'dead_lettered', attempts: outcome.attempts, at, error: outcome.error.message });
            count.deadLettered++;
            countNotification(notifier.name, 'dead_lettered');
            nlog.error(`${event.key}: dead-lettered to mentions.dlq after ${outcome.attempts} tries [${outcome.error.code}]`);
            options.onDelivery?.(notifier.name, event, 'dead_lettered');
            continue;
          }
          await store.recordDelivery({ key: event.key, notifier: notifier.name, status: 'sent', attempts: outcome.attempts, at });
          count.sent++;
          countNotification(notifier.name, 'sent', event.alert?.windowEnd);
          nlog.info(`${event.key}: sent (${event.kind}, ${event.incident.brand}, ${event.incident.severity})${outcome.attempts > 1 ? ` after ${outcome.attempts} tries` : ''}`);
          options.onDelivery?.(notifier.name, event, 'sent');
        }
      },
      {
        maxBatch: 50,
        onError: (error) => {
          if (stopping.signal.aborted) return;
          (options.onError ?? ((e: unknown) => nlog.warn(`notify stage: ${errorMessage(e)}; retrying the batch`)))(error);
        },
      },
    );
  });
  return {
    counts,
    done: Promise.all(consumers.map((c) => c.done)).then(() => undefined),
    async close() {
      stopping.abort();
      for (const c of consumers) await c.close();
      for (const n of options.notifiers) await n.close().catch(() => undefined);
    },
  };
}
