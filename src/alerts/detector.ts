// The detector: how far a closed window is from its baseline, for one rule, and whether the rule
// fires. Pure functions over window summaries.
//
// Two views must agree before a window counts as beyond the threshold, and the smaller deviation
// is the one reported:
// - robust: (value − median of the baseline windows) / (1.4826 × MAD), with a floor on the spread
//   from the sampling noise of the window's own count, so a flat history cannot make noise look huge;
// - chance: for counts, the Poisson tail of the window's count at the baseline rate; for negative
//   share, a two-proportion test against the pooled baseline; for mean tone, the tone's standard
//   error. Each p-value is turned into the z with the same tail, so one threshold fits all.
// Shares and tones are first shrunk toward the baseline (a Beta-Binomial posterior mean with the
// weight of SHRINK authors), so a window of 3 angry mentions never "doubles" into an alert.
import type { ResolvedRule, Direction } from './config.js';
import { median, poissonLowerTail, poissonUpperTail, robustSpread, zOfUpperTail } from './stats.js';
import type { AlertMetric, Severity } from './types.js';
import type { WindowStats } from './windows.js';

/** Fewer baseline windows than this: the rule is still learning, nothing is evaluated. */
export const MIN_BASELINE_WINDOWS = 7;
/** Prior weight of the baseline, in authors, when a share or a tone is shrunk toward it. */
const SHRINK = 10;
/** Windows with fewer authors than this leave the tone and share baselines (too noisy to say what normal is). */
const MIN_AUTHORS_FOR_BASELINE = 3;

/** The smallest change worth a human, per preset threshold (sensitive 2.5, balanced 3.5, strict 5). */
export function minimumChange(metric: AlertMetric, threshold: number): number {
  const level = threshold <= 2.5 ? 0 : threshold <= 3.5 ? 1 : 2;
  switch (metric) {
    case 'mean_tone':
      return [0.1, 0.15, 0.25][level]!;
    case 'negative_share':
      return [0.08, 0.12, 0.2][level]!;
    default:
      // A ratio to the baseline: a spike is at least this many times the usual count.
      return [1.5, 2, 3][level]!;
  }
}

export interface Evaluation {
  value: number;
  baseline: number;
  spread: number;
  /** How the baseline was made: "median of 28 previous windows" or "median of the same hour of the week, 4 weeks". */
  method: string;
  windows: number;
  /** In the rule's bad direction (positive: worse); the smaller of the robust and the chance view. */
  deviation: number;
  deviationMethod: string;
  /** The change itself, in the metric's unit (a ratio for counts). */
  change: number;
  mentions: number;
  authors: number;
}

/** `history`: the baseline windows (empty ones included as zeros); `seasonal` says how they were chosen. */
export function evaluate(rule: ResolvedRule, current: WindowStats, history: readonly WindowStats[], method: string): Evaluation | undefined {
  if (history.length < MIN_BASELINE_WINDOWS) return undefined;
  const base = { method, windows: history.length, mentions: current.mentions, authors: current.authors };
  switch (rule.metric) {
    case 'volume':
    case 'unique_authors':
    case 'velocity': {
      const countOf = (w: WindowStats) => (rule.metric === 'unique_authors' ? w.authors : w.cappedMentions);
      const x = countOf(current);
      const values = history.map(countOf);
      const centre = rule.metric === 'velocity' ? values.reduce((a, b) => a + b, 0) / values.length : median(values);
      const spread = Math.max(robustSpread(values, centre), Math.sqrt(Math.max(centre, 1)));
      const robust = signed(rule.direction, (x - centre) / spread);
      const lambda = Math.max(centre, 0.5);
      const up = zOfUpperTail(poissonUpperTail(x, lambda));
      const down = zOfUpperTail(poissonLowerTail(x, lambda));
      const chance = rule.direction === 'up' ? up : rule.direction === 'down' ? down : Math.max(up, down);
      const perHour = rule.metric === 'velocity' ? 3_600_000 / rule.windowMs : 1;
      return {
        ...base,
        value: x * perHour,
        baseline: centre * perHour,
        spread: spread * perHour,
        deviation: round(Math.min(robust, chance)),
        deviationMethod: `robust z ${round(robust)} (median and MAD) and Poisson tail z ${round(chance)} at the baseline rate; the smaller`,
        change: signedRatio(rule.direction, x, centre),
      };
    }
    case 'negative_share': {
      const usable = history.filter((w) => w.authors >= MIN_AUTHORS_FOR_BASELINE);
      if (usable.length < MIN_BASELINE_WINDOWS) return undefined;
      const shares = usable.map((w) => w.negativeAuthors / w.authors);
      const pooledN = usable.reduce((a, w) => a + w.authors, 0);
      const pooledK = usable.reduce((a, w) => a + w.negativeAuthors, 0);
      const p0 = median(shares);
      const n = current.authors;
      const k = current.negativeAuthors;
      const share = n > 0 ? k / n : 0;
      const shrunk = (k + SHRINK * p0) / (n + SHRINK);
      const sampling = Math.sqrt(Math.max(p0 * (1 - p0), 0.01) / Math.max(n, 1));
      const spread = Math.max(robustSpread(shares, p0), sampling, 0.02);
      const robust = signed(rule.direction, (shrunk - p0) / spread);
      const P = pooledK / pooledN;
      const pbar = (k + pooledK) / (n + pooledN);
      const se = Math.sqrt(Math.max(pbar * (1 - pbar), 1e-4) * (1 / Math.max(n, 1) + 1 / pooledN));
      const chance = signed(rule.direction, (share - P) / se);
      return {
        ...base,
        value: round(share, 4),
        baseline: round(p0, 4),
        spread: round(spread, 4),
        deviation: round(Math.min(robust, chance)),
        deviationMethod: `robust z ${round(robust)} of the share shrunk toward the baseline (Beta-Binomial, prior of ${SHRINK} authors) and two-proportion z ${round(chance)}; the smaller`,
        change: signed(rule.direction, share - p0),
      };
    }
    case 'mean_tone': {
      const usable = history.filter((w) => w.authors >= MIN_AUTHORS_FOR_BASELINE);
      if (usable.length < MIN_BASELINE_WINDOWS) return undefined;
      const tones = usable.map((w) => w.toneSum / w.authors);
      const t0 = median(tones);
      const pooledN = usable.reduce((a, w) => a + w.authors, 0);
      // Spread of one author's tone around its window's mean, pooled over the baseline.
      const within = usable.reduce((a, w) => a + (w.toneSquares - (w.toneSum * w.toneSum) / w.authors), 0) / Math.max(pooledN - usable.length, 1);
      const sd = Math.sqrt(Math.max(within, 0.01));
      const n = current.authors;
      const t = n > 0 ? current.toneSum / n : t0;
      const shrunk = (n * t + SHRINK * t0) / (n + SHRINK);
      const spread = Math.max(robustSpread(tones, t0), sd / Math.sqrt(Math.max(n, 1)), 0.02);
      const robust = signed(rule.direction, (shrunk - t0) / spread);
      const chance = signed(rule.direction, (t - t0) / (sd * Math.sqrt(1 / Math.max(n, 1) + 1 / pooledN)));
      return {
        ...base,
        value: round(t, 4),
        baseline: round(t0, 4),
        spread: round(spread, 4),
        deviation: round(Math.min(robust, chance)),
        deviationMethod: `robust z ${round(robust)} of the authors' mean tone shrunk toward the baseline (prior of ${SHRINK} authors) and z ${round(chance)} of its standard error; the smaller`,
        change: signed(rule.direction, t - t0),
      };
    }
  }
}

/** Deviation in the bad direction: positive when the window is worse. */
function signed(direction: Direction, z: number): number {
  if (direction === 'up') return z;
  if (direction === 'down') return -z;
  return Math.abs(z);
}

function signedRatio(direction: Direction, x: number, centre: number): number {
  const c = Math.max(centre, 1);
  const up = x / c;
  const down = x > 0 ? c / x : Number.POSITIVE_INFINITY;
  return direction === 'up' ? up : direction === 'down' ? down : Math.max(up, down);
}

function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return x > 0 ? 99 : -99;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Beyond the threshold, with enough mentions and a change worth a human. */
export function passes(rule: ResolvedRule, e: Evaluation): boolean {
  return e.deviation >= rule.threshold && e.mentions >= rule.minMentions && e.change >= minimumChange(rule.metric, rule.threshold);
}

/** Back within its band: less than half the threshold away (or too few mentions to say otherwise). */
export function inBand(rule: ResolvedRule, e: Evaluation | undefined): boolean {
  return e === undefined || e.deviation < rule.threshold / 2 || e.mentions < rule.minMentions;
}

export function severityOf(rule: ResolvedRule, deviation: number): Severity {
  const r = deviation / rule.threshold;
  return r < 1.5 ? 'low' : r < 2.25 ? 'medium' : r < 3.5 ? 'high' : 'critical';
}

/** What a rule remembers between windows. */
export interface RuleState {
  /** Consecutive windows beyond the threshold, while not firing. */
  streak: number;
  firing: boolean;
  /** Consecutive windows back in band, while firing. */
  calm: number;
  /** No new alert from this rule before this instant (ms): the cooldown after it was last resolved. */
  quietUntil: number;
}

export const initialRuleState = (): RuleState => ({ streak: 0, firing: false, calm: 0, quietUntil: Number.NEGATIVE_INFINITY });

export type Step = 'fire' | 'resolve' | 'none';

/**
 * One closed window through the rule: fires once per episode (the first window that completes
 * `for_windows` in a row), stays firing without re-alerting while the metric is out of band,
 * resolves after `resolve_windows` back in band, then stays quiet for the cooldown.
 */
export function step(rule: ResolvedRule, state: RuleState, e: Evaluation | undefined, windowStart: number): { state: RuleState; step: Step } {
  const windowEnd = windowStart + rule.windowMs;
  if (state.firing) {
    const calm = inBand(rule, e) ? state.calm + 1 : 0;
    if (calm >= rule.resolveWindows) return { state: { streak: 0, firing: false, calm: 0, quietUntil: windowEnd + rule.cooldownMs }, step: 'resolve' };
    return { state: { ...state, calm }, step: 'none' };
  }
  if (!e || !passes(rule, e)) return { state: { ...state, streak: 0 }, step: 'none' };
  const streak = state.streak + 1;
  if (streak >= rule.forWindows && windowStart >= state.quietUntil) return { state: { streak: 0, firing: true, calm: 0, quietUntil: state.quietUntil }, step: 'fire' };
  return { state: { ...state, streak }, step: 'none' };
}
