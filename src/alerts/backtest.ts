// The backtest: the stored history of a brand through its rules, as the alerts stage would have
// seen it, so a team tunes thresholds before anyone is woken up. The same engine as the stage; the
// history comes from MentionStore.scanSignals, starting early enough that the first windows of the
// period already have their baseline. Nothing is stored or sent.
//
// Two passes, for speed (issue 12: a month of a million mentions in ≤ 30 s): the first replays
// every mention with only what the rules' metrics read (scanSignals without terms, windows in
// statsOnly mode), which decides every fire and calm exactly as a full replay; the second reads in
// full only the windows the fired alerts' explanations read (each firing window and its baseline
// windows, compacted as they were then) and makes those explanations again. The alerts are the
// same as one full pass gives (test/alerts/backtest.test.ts compares them).
import type { BrandConfig } from '../config/schema.js';
import { EcouteError } from '../core/errors.js';
import type { MentionStore } from '../store/types.js';
import type { Preset } from './config.js';
import { AlertEngine, engineBrands, type Decision } from './engine.js';
import { explain } from './explain.js';
import { WindowAccumulator } from './windows.js';
import { IncidentTracker } from './incidents.js';
import type { Alert } from './types.js';

export interface BacktestRequest {
  brand: string;
  rule?: string;
  preset?: Preset;
  /** ISO 8601; windows starting in [from, to) are reported. */
  from: string;
  to: string;
  /** One pass with every mention in full (what the two passes must equal; the tests compare them). */
  fullReplay?: boolean;
}

export interface BacktestResult {
  brand: string;
  from: string;
  to: string;
  rules: { name: string; metric: string; window: string; preset: string; threshold: number; min_mentions: number; for_windows: number }[];
  alerts: Alert[];
  incidents: number;
  /** Mentions replayed (the warm-up before `from` included). */
  mentions: number;
  elapsedMs: number;
}

/** One alert as `ecoute alerts backtest --json` prints it (one object per line). */
export function backtestLine(alert: Alert): Record<string, unknown> {
  return {
    rule: alert.rule,
    metric: alert.metric,
    window_start: alert.windowStart,
    window_end: alert.windowEnd,
    value: alert.value,
    baseline: alert.baseline,
    severity: alert.severity,
    explanation: alert.explanation,
  };
}

export async function backtest(store: MentionStore, brands: readonly BrandConfig[], request: BacktestRequest): Promise<BacktestResult> {
  const started = performance.now();
  const fromMs = Date.parse(request.from);
  const toMs = Date.parse(request.to);
  const [brand] = engineBrands(brands, { brand: request.brand, ...(request.preset !== undefined && { preset: request.preset }) });
  if (!brand) throw new EcouteError('BAD_REQUEST', `no brand "${request.brand}"; the brands are ${brands.map((b) => b.id).join(', ') || 'none'}`);
  if (request.rule !== undefined) {
    const names = brand.rules.map((r) => r.name);
    if (!names.includes(request.rule)) throw new EcouteError('ALERTS_RULE_UNKNOWN', `brand ${brand.id} has no rule "${request.rule}"; its rules are ${names.join(', ')}`);
    brand.rules = brand.rules.filter((r) => r.name === request.rule);
  }
  const engine = new AlertEngine([brand], { statsOnly: request.fullReplay !== true });
  const decisions: Decision[] = [];
  let mentions = 0;
  for (const s of engine.seriesOf(brand.id)) {
    const warmFrom = Math.floor((fromMs - s.historyMs) / s.windowMs) * s.windowMs;
    engine.beginAt(brand.id, s.index, warmFrom);
    const only = { brand: brand.id, seriesIndex: s.index };
    const keep = (ms: number) => ms >= fromMs && ms < toMs;
    const take = (ds: Decision[]) => {
      for (const d of ds) if (keep(d.windowStart)) decisions.push(d);
    };
    const fired = decisions.length;
    for await (const page of store.scanSignals({ brand: brand.id, from: new Date(warmFrom).toISOString(), to: request.to, ...(s.query !== undefined && { query: s.query }), terms: request.fullReplay === true })) {
      mentions += page.length;
      for (const signal of page) {
        take(engine.advance(signal.publishedMs, only));
        engine.addSignal(brand.id, s.index, signal);
      }
    }
    // Every window that ends by `to` is closed (grace included: the history is complete).
    take(engine.advance(toMs + s.graceMs, only));
    if (request.fullReplay !== true) await explainAgain(store, brand.id, s, decisions.slice(fired));
  }
  // In time order through the incidents, as the stage would have grouped them.
  decisions.sort((a, b) => a.windowStart - b.windowStart || (a.kind === b.kind ? 0 : a.kind === 'fire' ? -1 : 1));
  const tracker = new IncidentTracker(() => brand.gapMs);
  const alerts: Alert[] = [];
  const incidents = new Set<string>();
  for (const d of decisions) {
    if (d.kind === 'fire') {
      incidents.add(tracker.onAlert(d.alert).incident.id);
      alerts.push(d.alert);
    } else tracker.onCalm(d.brand, d.firing, d.at);
  }
  return {
    brand: brand.id,
    from: request.from,
    to: request.to,
    rules: brand.rules.map((r) => ({ name: r.name, metric: r.metric, window: r.window, preset: r.preset, threshold: r.threshold, min_mentions: r.minMentions, for_windows: r.forWindows })),
    alerts,
    incidents: incidents.size,
    mentions,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/**
 * The second pass: the windows the fired alerts' explanations read, each in full (and compacted
 * where it was compacted when the alert fired), in as few scans as there are runs of consecutive
 * windows; then each fired alert's explanation made again from them.
 */
async function explainAgain(
  store: MentionStore,
  brand: string,
  series: { windowMs: number; query: string | undefined },
  decisions: readonly Decision[],
): Promise<void> {
  const fires = decisions.filter((d): d is Extract<Decision, { kind: 'fire' }> => d.kind === 'fire');
  if (fires.length === 0) return;
  const w = series.windowMs;
  const key = (start: number, compacted: boolean) => `${start}:${compacted ? 'c' : 'f'}`;
  const windows = new Map<string, WindowAccumulator>();
  const byStart = new Map<number, WindowAccumulator[]>();
  const need = (start: number, compacted: boolean) => {
    const k = key(start, compacted);
    if (windows.has(k)) return;
    const acc = new WindowAccumulator(start);
    windows.set(k, acc);
    byStart.set(start, [...(byStart.get(start) ?? []), acc]);
  };
  for (const d of fires) {
    need(d.windowStart, false);
    for (const b of d.basis.baseline) need(b.start, b.compacted);
  }
  const starts = [...byStart.keys()].sort((a, b) => a - b);
  for (let i = 0; i < starts.length; ) {
    let j = i;
    while (j + 1 < starts.length && starts[j + 1] === starts[j]! + w) j++;
    const from = new Date(starts[i]!).toISOString();
    const to = new Date(starts[j]! + w).toISOString();
    for await (const page of store.scanSignals({ brand, from, to, ...(series.query !== undefined && { query: series.query }) })) {
      for (const signal of page) for (const acc of byStart.get(Math.floor(signal.publishedMs / w) * w) ?? []) acc.add(signal);
    }
    i = j + 1;
  }
  for (const [k, acc] of windows) if (k.endsWith(':c')) acc.compact();
  const window = (start: number, compacted: boolean) => windows.get(key(start, compacted)) ?? new WindowAccumulator(start);
  for (const d of fires) {
    d.alert.explanation = explain({
      ...d.basis.input,
      window: window(d.windowStart, false),
      baseline: d.basis.baseline.map((b) => window(b.start, b.compacted)),
    });
  }
}
