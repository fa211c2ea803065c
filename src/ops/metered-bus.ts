// The bus every composed process uses, measured: a Proxy over the real Bus (embedded or Kafka)
// that times each durable publish, counts the dead letters written (ecoute_mentions_dropped_total
// by the stage and code their headers carry, and ecoute_errors_total by code), counts a failed batch
// try of any consumer by its code, and registers each consumer with the watch (lag, stuck). Every
// other method (and any a later part adds to Bus) passes through untouched.
import { isEcouteError } from '../core/errors.js';
import { mentionId } from '../core/ids.js';
import { createLogger, type Logger } from '../core/log.js';
import type { Bus, BusRecord, Topic } from '../streams/bus/types.js';
import { consumerWatch, type ConsumerWatch } from './consumers.js';
import { countConsumed, countDropped, countError, countIncidentEvent, deadLetterCodes, observePublish } from './metrics.js';

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
        logDeadLetter(stage, code, records[i]!);
      }
    }
    if (topic === 'alerts') for (const r of records) countIncidentEvent(incidentKind(r.value));
  };
  const consume: Bus['consume'] = (topic, group, handler, options = {}) => {
    const release = watch.add(proxy, topic, group);
    const measured: typeof handler = async (batch) => {
      await handler(batch);
      countConsumed(topic, group, batch.length);
    };
    const consumer = bus.consume(topic, group, measured, {
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

let deadLetterLog: Logger | undefined;
/** At most this many dead-letter lines a second; the rest are counted in the next line (a poison flood must not flood the log). */
const LINES_PER_SECOND = 20;
const quiet = { second: 0, lines: 0, skipped: 0 };

/** One warn line per dead letter: its stage, code, the mention id when the input names one, where it came from. */
function logDeadLetter(stage: string, code: string, record: BusRecord): void {
  const second = Math.floor(Date.now() / 1000);
  if (second !== quiet.second) Object.assign(quiet, { second, lines: 0 });
  if (++quiet.lines > LINES_PER_SECOND) {
    quiet.skipped++;
    return;
  }
  const skipped = quiet.skipped;
  quiet.skipped = 0;
  const id = mentionIdOf(record.value) ?? record.headers?.['ecoute-mention-id']; // gaps14: the input record's key (streams/dead-letter.ts withMentionId)
  deadLetterLog ??= createLogger();
  deadLetterLog.warn(`dead letter: ${record.headers?.['ecoute-error'] ?? code}`, {
    stage,
    code,
    ...(id !== undefined && { mention_id: id }),
    origin: record.key,
    ...(skipped > 0 && { similar_not_logged: skipped }),
  });
}

/** The id of the mention a dead letter holds: its `id`, or the hash of its source and sourceId. */
function mentionIdOf(value: string): string | undefined {
  try {
    const input = (JSON.parse(value) as { input?: unknown }).input;
    if (typeof input !== 'string') return undefined;
    const m = JSON.parse(input) as { id?: unknown; source?: unknown; sourceId?: unknown; analysis?: unknown };
    const source = typeof m.source === 'string' && m.source !== '' ? m.source : undefined;
    // A raw mention (source, sourceId); an analyzed one (its id); a file line (source, id at the source).
    if (source && typeof m.sourceId === 'string' && m.sourceId !== '') return mentionId(source, m.sourceId);
    if (typeof m.id === 'string' && /^[0-9a-f]{32}$/.test(m.id) && m.analysis !== undefined) return m.id;
    if (source && (typeof m.id === 'string' || typeof m.id === 'number') && String(m.id) !== '') return mentionId(source, String(m.id));
  } catch {
    // not JSON (a bad line): no mention to name
  }
  return undefined;
}

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
