// The bus every composed process uses, measured: a Proxy over the real Bus (embedded or Kafka)
// that times each durable publish, counts the dead letters written (ecoute_mentions_dropped_total
// by the stage and code their headers carry, and ecoute_errors_total by code), counts a failed batch
// try of any consumer by its code, and registers each consumer with the watch (lag, stuck). Every
// other method (and any a later part adds to Bus) passes through untouched.
import { isEcouteError } from '../core/errors.js';
import type { Bus, BusRecord, Topic } from '../streams/bus/types.js';
import { consumerWatch, type ConsumerWatch } from './consumers.js';
import { countDropped, countError, countIncidentEvent, deadLetterCodes, observePublish } from './metrics.js';

/** Dead letters of these stages are not mentions (a notification given up on): errors only. */
const NOT_MENTIONS = new Set(['notify']);

export function meteredBus<B extends Bus>(bus: B, watch: ConsumerWatch = consumerWatch): B {
  if ((bus as { [METERED]?: boolean })[METERED]) return bus;
  const publish: Bus['publish'] = async (topic: Topic, records: BusRecord[]) => {
    const started = process.hrtime.bigint();
    await bus.publish(topic, records);
    if (records.length === 0) return;
    observePublish(topic, records.length, Number(process.hrtime.bigint() - started) / 1e9);
    if (topic === 'mentions.dlq') {
      for (const [i, { code }] of deadLetterCodes(records).entries()) {
        const stage = records[i]?.headers?.['ecoute-stage'] ?? 'unknown';
        if (!NOT_MENTIONS.has(stage)) countDropped(stage, code);
        countError(code);
      }
    }
    if (topic === 'alerts') for (const r of records) countIncidentEvent(incidentKind(r.value));
  };
  const consume: Bus['consume'] = (topic, group, handler, options = {}) => {
    const release = watch.add(proxy, topic, group);
    const consumer = bus.consume(topic, group, handler, {
      ...options,
      onError: (error, batch) => {
        countError(isEcouteError(error) ? error.code : 'UNEXPECTED');
        options.onError?.(error, batch);
      },
    });
    void consumer.done.finally(release).catch(() => undefined);
    return consumer;
  };
  const proxy = new Proxy(bus, {
    get(target, property) {
      if (property === METERED) return true;
      if (property === 'publish') return publish;
      if (property === 'consume') return consume;
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return proxy;
}

const METERED = Symbol('ecoute.metered');

function incidentKind(value: string): string {
  try {
    const kind = (JSON.parse(value) as { kind?: unknown }).kind;
    return kind === 'opened' || kind === 'updated' || kind === 'resolved' ? kind : 'other';
  } catch {
    return 'other';
  }
}

/** The bus of a composed process: measured, its consumers watched with the config's stuck threshold. */
export function operatedBus<B extends Bus>(bus: B, ops: { stuck_after_seconds: number } | undefined): B {
  // A config built by hand (tests, library use) may have no ops section: the defaults then.
  if (ops) consumerWatch.stuckAfterMs = ops.stuck_after_seconds * 1000;
  return meteredBus(bus);
}
