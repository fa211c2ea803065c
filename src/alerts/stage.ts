// The `alerts` stage: mentions.analyzed → the alert engine → the AlertStore and the `alerts` topic.
//
// - Windows close by event time: the watermark is the latest published time seen (a mention dated
//   more than FUTURE_MS ahead of the clock does not move it), plus the clock itself while the stream
//   is live (its latest mention is less than LIVE_MS old), so a quiet hour still closes on time.
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
    for (const b of brands) {
      const rebuilt = await rebuild(engine, options.mentions, b.id, now());
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
        for (const record of batch) {
          const mention = readMention(record);
          if (!mention) continue;
          const t = Date.parse(mention.publishedAt);
          // Windows the watermark passes close before this mention counts: it belongs to a later one.
          if (t <= clock + FUTURE_MS && t > latest) {
            latest = t;
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
export async function rebuild(engine: AlertEngine, store: MentionStore, brand: string, nowMs: number): Promise<{ latest: number; decisions: Decision[] }> {
  const newest = await store.search({ brand, limit: 1, sort: 'newest', duplicates: 'include' });
  const last = newest.hits[0] ? Date.parse(newest.hits[0].mention.publishedAt) : undefined;
  if (last === undefined) return { latest: Number.NEGATIVE_INFINITY, decisions: [] };
  const latest = Math.min(last, nowMs + FUTURE_MS);
  const decisions: Decision[] = [];
  for (const s of engine.seriesOf(brand)) {
    const from = Math.floor((latest - s.historyMs) / s.windowMs) * s.windowMs;
    engine.beginAt(brand, s.index, from);
    const only = { brand, seriesIndex: s.index };
    const recent = latest - 2 * s.windowMs - s.graceMs;
    const keep = (d: Decision) => d.kind === 'calm' || d.windowStart + s.windowMs >= recent;
    for await (const page of store.scanSignals({ brand, from: new Date(from).toISOString(), to: new Date(latest + 1).toISOString(), ...(s.query !== undefined && { query: s.query }) })) {
      for (const signal of page) {
        decisions.push(...engine.advance(signal.publishedMs, only).filter(keep));
        engine.addSignal(brand, s.index, signal);
      }
    }
    decisions.push(...engine.advance(latest, only).filter(keep));
  }
  return { latest, decisions: decisions.sort((a, b) => a.windowStart - b.windowStart) };
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

