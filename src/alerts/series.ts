// A series: the windows of one brand for one query and one window length, which the rules of that
// brand sharing both read. It says which windows are closed, keeps the closed ones that baselines
// need (compacted once late mentions can no longer reach them), and picks each rule's baseline:
// the previous windows, or the same time of the week in previous weeks once there are enough.
import type { MentionSignal } from '../store/types.js';
import type { ResolvedRule } from './config.js';
import { MIN_BASELINE_WINDOWS } from './detector.js';
import { emptyStats, WindowAccumulator, type WindowStats } from './windows.js';

const HOUR = 3_600_000;
export const WEEK = 7 * 24 * HOUR;
/** Velocity compares a window with the trailing hours: this many. */
const VELOCITY_HOURS = 6;
/** Late mentions are counted in their own window up to this long after it closed (or two windows, if longer). */
const LATE_HORIZON_MS = 6 * HOUR;

export interface Baseline {
  windows: WindowAccumulator[];
  stats: WindowStats[];
  method: string;
}

export class Series {
  readonly windowMs: number;
  readonly query: string | undefined;
  readonly rules: ResolvedRule[];
  private readonly accs = new Map<number, WindowAccumulator>();
  /** Start of the first window with data: history (and zeros) begins there. */
  origin: number | undefined;
  /** Start of the earliest window not yet closed. */
  nextClose: number | undefined;
  private readonly keep: number;
  private readonly lateMs: number;

  /** Windows count only their metrics (WindowAccumulator.statsOnly): the backtest's first pass. */
  private readonly statsOnly: boolean;

  constructor(windowMs: number, query: string | undefined, rules: ResolvedRule[], statsOnly = false) {
    this.statsOnly = statsOnly;
    this.windowMs = windowMs;
    this.query = query;
    this.rules = rules;
    const longest = Math.max(...rules.map((r) => r.baselineWindows), MIN_BASELINE_WINDOWS);
    const { weeks, span } = seasonalShape(windowMs);
    this.keep = Math.max(longest, Math.ceil((weeks * WEEK) / windowMs) + span + 1) + 1;
    this.lateMs = Math.max(2 * windowMs, LATE_HORIZON_MS);
  }

  /** How far back baselines read: what a rebuild must scan. */
  get historyMs(): number {
    return this.keep * this.windowMs;
  }

  startOf(ms: number): number {
    return Math.floor(ms / this.windowMs) * this.windowMs;
  }

  /** Counts a signal in its window: 'counted', 'repeat' (id seen, or a near-duplicate), 'late' (its window was closed: counted, never re-evaluated) or 'too-old'. */
  add(s: MentionSignal): 'counted' | 'late' | 'repeat' | 'too-old' {
    const start = this.startOf(s.publishedMs);
    let acc = this.accs.get(start);
    const closed = this.nextClose !== undefined && start < this.nextClose;
    if (!acc) {
      if (closed && (this.origin === undefined || start < this.origin || start + this.windowMs + this.lateMs < this.nextClose!)) return 'too-old';
      acc = new WindowAccumulator(start, this.statsOnly);
      this.accs.set(start, acc);
    }
    if (acc.compacted) return 'too-old';
    if (!acc.add(s)) return 'repeat';
    if (this.origin === undefined || start < this.origin) this.origin = start;
    if (this.nextClose === undefined) this.nextClose = start;
    return closed ? 'late' : 'counted';
  }

  /** Starts this series from `start` even without data (a rebuild from the store that found none yet). */
  beginAt(start: number): void {
    const s = this.startOf(start);
    if (this.nextClose === undefined || s < this.nextClose) this.nextClose = s;
  }

  window(start: number): WindowAccumulator {
    return this.accs.get(start) ?? new WindowAccumulator(start);
  }

  stats(start: number): WindowStats | undefined {
    if (this.origin === undefined || start < this.origin) return undefined;
    return this.accs.get(start)?.summary() ?? emptyStats(start);
  }

  /** Closes the next window if `watermark` passed its end plus grace; returns its start. */
  closeNext(watermark: number, graceMs: number): number | undefined {
    if (this.nextClose === undefined || this.nextClose + this.windowMs + graceMs > watermark) return undefined;
    const start = this.nextClose;
    this.nextClose += this.windowMs;
    this.prune();
    return start;
  }

  baseline(rule: ResolvedRule, start: number): Baseline {
    const w = this.windowMs;
    const starts: number[] = [];
    let method: string;
    const { weeks, span, needed } = seasonalShape(w);
    if (rule.metric === 'velocity') {
      const n = Math.max(MIN_BASELINE_WINDOWS, Math.ceil((VELOCITY_HOURS * HOUR) / w));
      for (let i = 1; i <= n; i++) starts.push(start - i * w);
      method = `mean of the ${n} previous windows`;
    } else if (this.origin !== undefined && this.origin <= start - needed * WEEK - span * w) {
      let used = 0;
      for (let k = 1; k <= weeks; k++) {
        if (start - k * WEEK - span * w < this.origin) break;
        used = k;
        for (let j = -span; j <= span; j++) starts.push(start - k * WEEK + j * w);
      }
      method = span > 0 ? `median of the same time of the week (± ${span} windows) over ${used} weeks` : `median of the same day of the week over ${used} weeks`;
    } else {
      for (let i = 1; i <= rule.baselineWindows; i++) starts.push(start - i * w);
      method = `median of the previous windows (up to ${rule.baselineWindows})`;
    }
    const windows: WindowAccumulator[] = [];
    const stats: WindowStats[] = [];
    for (const s of starts) {
      const st = this.stats(s);
      if (!st) continue;
      stats.push(st);
      const acc = this.accs.get(s);
      if (acc) windows.push(acc);
    }
    return { windows, stats, method };
  }

  /** Compacts windows late mentions can no longer reach, and forgets those no baseline reads. */
  private prune(): void {
    const closedBefore = this.nextClose!;
    for (const [start, acc] of this.accs) {
      if (start < closedBefore - this.keep * this.windowMs) this.accs.delete(start);
      else if (!acc.compacted && start + this.windowMs + this.lateMs < closedBefore) acc.compact();
    }
  }
}

/** Seasonal baselines: how many weeks to read, how many windows each side of the same time, after how many weeks. */
function seasonalShape(windowMs: number): { weeks: number; span: number; needed: number } {
  const span = windowMs >= 24 * HOUR ? 0 : Math.max(1, Math.round(HOUR / windowMs));
  const needed = Math.max(3, Math.ceil(MIN_BASELINE_WINDOWS / (2 * span + 1)));
  return { weeks: Math.max(4, needed), span, needed };
}
