// Privacy (issue 14, H4): the first drop point. Every connector, `ecoute ingest` and the webhook
// publish through the runtime's bus; wrapped in this, a raw mention (or a connector's rejection)
// by an erased author is dropped before it is written to mentions.raw or mentions.dlq, so a
// re-fetch never writes their handle to the log again. The analyze and index stages drop what
// was already on the topics (a replay).
import { authorKey } from '../core/ids.js';
import type { Bus, BusRecord, Topic } from '../streams/bus/types.js';
import type { SuppressionList } from './suppression.js';
import { logMentionDrop } from '../ops/mention-log.js'; // Operations (issue 14, gaps14)

/** The author (source and id) a record of mentions.raw, or a dead letter's input, carries. */
export function authorOfRecord(value: string): { source: string; id: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  return authorOf(parsed) ?? (typeof (parsed as { input?: unknown })?.input === 'string' ? authorOfRecord((parsed as { input: string }).input) : undefined);
}

function authorOf(v: unknown): { source: string; id: string } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as { source?: unknown; author?: unknown };
  const author = m.author as { id?: unknown } | string | undefined;
  const id = typeof author === 'string' ? author : typeof author?.id === 'string' ? author.id : undefined;
  return typeof m.source === 'string' && id !== undefined ? { source: m.source, id } : undefined;
}

export function suppressingBus(bus: Bus, list: SuppressionList, secret: string): Bus {
  const keep = (topic: Topic, record: BusRecord): boolean => {
    const author = authorOfRecord(record.value);
    if (author === undefined || !list.has(authorKey(secret, author.source, author.id))) return true;
    // gaps14: one line per drop, with the mention id (mentions.raw is keyed by it); the publisher's
    // counts already cover these mentions (ecoute ingest prints them as suppressed).
    logMentionDrop('connector', 'suppressed', topic === 'mentions.raw' ? record.key : undefined, `dropped before ${topic}: its author was erased`, false);
    return false;
  };
  const publish = async (topic: Topic, records: BusRecord[]): Promise<void> => {
    if (topic !== 'mentions.raw' && topic !== 'mentions.dlq') return bus.publish(topic, records);
    return bus.publish(topic, records.filter((r) => keep(topic, r)));
  };
  // Every other method (and those other parts add to Bus) goes to the bus itself.
  return new Proxy(bus, {
    get(target, property, receiver) {
      if (property === 'publish') return publish;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
