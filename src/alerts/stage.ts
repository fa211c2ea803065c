// The `alerts` stage: mentions.analyzed → the alert engine → the AlertStore and the `alerts` topic.
//
// - Windows close by event time: the watermark is the latest published time seen, on the slowest
//   partition (a mention dated more than FUTURE_MS ahead of the clock does not move it), or the
//   clock itself while the stream is live (its latest mention is less than LIVE_MS old), so a
//   quiet hour still closes on time.
//   A window is evaluated once the watermark passes its end plus the brand's grace.
// - Each mention id counts once per window; late mentions count in their own window and never make
//   it be evaluated again, so a late correction never re-sends an alert.
// - On start it rebuilds its windows and rule states from the MentionStore (scanSignals) and its
//   open incidents from the AlertStore, then consumes from its committed offset; what it reads
//   again is a repeat and changes nothing.
// - With `waitForGroup` (the index stage's group), a batch is committed only once that group has
//   consumed it too: what the alerts stage counted is then in the store a restart rebuilds from.
import type { BrandConfig } from '../config/schema.js';
import { EcouteError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { AnalyzedMention } from '../core/types.js';
import type { MentionStore } from '../store/types.js';
import { reached, type Bus, type ConsumedRecord, type Consumer, type Offsets } from '../streams/bus/types.js';
import { AlertEngine, engineBrands, type Decision } from './engine.js';
import { IncidentTracker } from './incidents.js';
import { IncidentKeeper } from './keeper.js';
import type { AlertStore } from './store/types.js';
import type { IncidentEvent } from './types.js';

export const ALERTS_GROUP = 'ecoute-alerts';
const FUTURE_MS = 5 * 60_000;
const LIVE_MS = 3_600_000;
/** Records read between two turns of the event loop (see the batch handler). */
const SLICE = 100;

export interface AlertsStageOptions {
  bus: Bus;
  mentions: MentionStore;
  /** The alert store, or its opening (the stage waits for it before it consumes). */
  alerts: AlertStore | Promise<AlertStore>;
  brands: readonly BrandConfig[];
  log?: Logger;
  onError?: (error: unknown) => void;
  /** Consumer group whose progress gates our commits (the index stage's), see above. */
  waitForGroup?: string;
  /** After each event is published (tests, the benchmark). */
  onEvent?: (event: IncidentEvent) => void;
  /** The clock (ms); default Date.now. */
  now?: () => number;
  /** How often the clock closes windows of a live stream; default 1000 ms. */
  tickMs?: number;
}

export interface AlertsStage extends Consumer {
  /** Resolves once the rebuild from the stores is done and the stage consumes. */
  readonly ready: Promise<void>;
}

export function startAlertsStage(options: AlertsStageOptions): AlertsStage {
  const now = options.now ?? Date.now;
  const brands = engineBrands(options.brands);
  const engine = new AlertEngine(brands, { now });
  let latest = Number.NEGATIVE_INFINITY;
  const byPartition = new Map<number, number>();
  const position = new Map<number, number>();
  let keeper: IncidentKeeper | undefined;
  let closing = false;
  // One thing at a time touches the engine: a batch, or the clock's tick.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const next = chain.then(job, job);
    chain = next.catch(() => undefined);
    return next;
  };

  const watermark = () => {
    const t = now();
    return latest > t - LIVE_MS ? Math.max(latest, t) : latest;
  };

  const ready = serial(async () => {
    const store = await options.alerts;
    await store.ensureSchema();
    const open = (await Promise.all(brands.map((b) => store.openIncidents(b.id)))).flat();
    const gaps = new Map(brands.map((b) => [b.id, b.gapMs]));
    const tracker = new IncidentTracker((id) => gaps.get(id) ?? 0, open);
    keeper = new IncidentKeeper({ store, bus: options.bus, tracker, ...(options.onEvent && { onEvent: options.onEvent }) });
    const resumed = await resumePoint(options.bus);
    for (const [p, at] of resumed.partitions) {
      position.set(p, at.offset);
      byPartition.set(p, at.time);
    }
    for (const b of brands) {
      const rebuilt = await rebuild(engine, options.mentions, b.id, now(), resumed.watermark);
      latest = Math.max(latest, rebuilt.latest);
      await keeper.apply(rebuilt.decisions);
    }
  });
  ready.catch(() => undefined);

  const consumer = options.bus.consume(
    'mentions.analyzed',
    ALERTS_GROUP,
    async (batch) => {
      await ready;
      await serial(async () => {
        const clock = now();
        // Consumers read partitions in batches, not in time order: event time is the slowest
        // partition's among those with records still to read (or, all read, the latest seen).
        const end = await options.bus.endOffsets('mentions.analyzed');
        const eventTime = () => {
          let slowest = Number.POSITIVE_INFINITY;
          let newest = Number.NEGATIVE_INFINITY;
          for (const [p, e] of Object.entries(end)) {
            const t = byPartition.get(Number(p)) ?? Number.NEGATIVE_INFINITY;
            newest = Math.max(newest, t);
            if (e > (position.get(Number(p)) ?? 0)) slowest = Math.min(slowest, t);
          }
          return slowest === Number.POSITIVE_INFINITY ? newest : slowest;
        };
        let read = 0;
        for (const record of batch) {
          // A turn of the event loop every SLICE records: parsing a 500-record batch held the
          // thread the webhook and the API answer on for tens of milliseconds (embedded mode).
          if (++read % SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
          position.set(record.partition, Math.max(position.get(record.partition) ?? 0, record.offset + 1));
          const mention = readMention(record);
          if (!mention) continue;
          const t = Date.parse(mention.publishedAt);
          if (t <= clock + FUTURE_MS && t > (byPartition.get(record.partition) ?? Number.NEGATIVE_INFINITY)) byPartition.set(record.partition, t);
          const at = eventTime();
          // Windows the watermark passes close before this mention counts: it belongs to a later one.
          if (at > latest) {
            latest = at;
            await keeper!.apply(engine.advance(watermark()));
          }
          engine.addMention(mention);
        }
        await keeper!.apply(engine.advance(watermark()));
      });
      if (options.waitForGroup !== undefined) await waitForGroup(options.bus, options.waitForGroup, batch, () => closing);
    },
    { maxBatch: 500, ...(options.onError && { onError: options.onError }) },
  );

  const timer = setInterval(() => {
    if (latest <= now() - LIVE_MS) return;
    void serial(async () => {
      await ready;
      await keeper!.apply(engine.advance(watermark()));
    }).catch((error: unknown) => (options.onError ?? (() => undefined))(error));
  }, options.tickMs ?? 1000);
  timer.unref();

  const done = Promise.all([consumer.done, ready]).then(() => undefined);
  done.catch(() => undefined);
  return {
    ready,
    done,
    async close() {
      closing = true;
      clearInterval(timer);
      await consumer.close();
      await chain;
    },
  };
}

function readMention(record: ConsumedRecord): AnalyzedMention | undefined {
  try {
    const m = JSON.parse(record.value) as AnalyzedMention;
    // The index stage dead-letters what it cannot read; here such a record simply counts nowhere.
    return typeof m?.id === 'string' && Array.isArray(m.brands) && typeof m.publishedAt === 'string' && m.analysis?.sentiment ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The brand's history from the store, through the engine: windows and rule states as they were.
 * Alerts of windows long closed are not sent again (they were, or they are history); those of the
 * last two windows go through the keeper, which sends only what the store does not hold yet.
 */
export async function rebuild(engine: AlertEngine, store: MentionStore, brand: string, nowMs: number, watermark = Number.POSITIVE_INFINITY): Promise<{ latest: number; decisions: Decision[] }> {
  const newest = await store.search({ brand, limit: 1, sort: 'newest', duplicates: 'include' });
  const last = newest.hits[0] ? Date.parse(newest.hits[0].mention.publishedAt) : undefined;
  if (last === undefined) return { latest: Number.NEGATIVE_INFINITY, decisions: [] };
  // The store may hold mentions beyond where this stage stopped on some partition (the index
  // stage ran ahead there): they count, but windows close only up to where every partition was read.
  const end = Math.min(last, nowMs + FUTURE_MS);
  const latest = Math.min(end, watermark);
  const decisions: Decision[] = [];
  for (const s of engine.seriesOf(brand)) {
    const from = Math.floor(((Number.isFinite(latest) ? latest : end) - s.historyMs) / s.windowMs) * s.windowMs;
    engine.beginAt(brand, s.index, from);
    const only = { brand, seriesIndex: s.index };
    const recent = latest - 2 * s.windowMs - s.graceMs;
    const keep = (d: Decision) => d.kind === 'calm' || d.windowStart + s.windowMs >= recent;
    for await (const page of store.scanSignals({ brand, from: new Date(from).toISOString(), to: new Date(end + 1).toISOString(), ...(s.query !== undefined && { query: s.query }) })) {
      for (const signal of page) {
        decisions.push(...engine.advance(Math.min(signal.publishedMs, latest), only).filter(keep));
        engine.addSignal(brand, s.index, signal);
      }
    }
    decisions.push(...engine.advance(latest, only).filter(keep));
  }
  return { latest, decisions: decisions.sort((a, b) => a.windowStart - b.windowStart) };
}

/**
 * Where this stage stopped: per partition its committed offset and the published time of the last
 * record before it; the watermark is the slowest partition's (no time at all when one was never read).
 */
async function resumePoint(bus: Bus): Promise<{ watermark: number; partitions: Map<number, { offset: number; time: number }> }> {
  const end = await bus.endOffsets('mentions.analyzed');
  const committed = await bus.committedOffsets('mentions.analyzed', ALERTS_GROUP);
  const partitions = new Map<number, { offset: number; time: number }>();
  let watermark = Number.POSITIVE_INFINITY;
  for (const [key, e] of Object.entries(end)) {
    const p = Number(key);
    const offset = committed[p] ?? 0;
    if (e === 0) continue;
    let time = Number.NEGATIVE_INFINITY;
    if (offset > 0) {
      const from: Offsets = Object.fromEntries(Object.entries(end).map(([q, eq]) => [Number(q), Number(q) === p ? offset - 1 : eq]));
      const record = (await bus.read('mentions.analyzed', from, 1)).find((r) => r.partition === p);
      const mention = record ? readMention(record) : undefined;
      if (mention) time = Date.parse(mention.publishedAt);
    }
    partitions.set(p, { offset, time });
    watermark = Math.min(watermark, time);
  }
  return { watermark: watermark === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : watermark, partitions };
}

/** Waits until `group` consumed every record of the batch (polling its committed offsets). */
async function waitForGroup(bus: Bus, group: string, batch: readonly ConsumedRecord[], stopping: () => boolean): Promise<void> {
  const target: Offsets = {};
  for (const r of batch) target[r.partition] = Math.max(target[r.partition] ?? 0, r.offset + 1);
  for (let waited = 0; ; waited += 50) {
    if (reached(await bus.committedOffsets('mentions.analyzed', group), target)) return;
    if (stopping()) throw new EcouteError('INTERRUPTED', `stopping before ${group} consumed the batch; it comes again at the next start`);
    if (waited === 60_000) throw new EcouteError('ALERTS_WAITING_FOR_INDEX', `the alerts stage waits for ${group} to index the mentions it counted (is the index stage running?)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

