// The alert engine: per brand, its series of windows and its rules' states; mentions go in, and as
// windows close (by event time plus grace) the rules are evaluated and the engine says which fired
// and which are back in band. The same engine runs in the `alerts` stage (live, then stored and
// published by the keeper) and in the backtest (history from the store, printed).
import { createHash } from 'node:crypto';
import type { BrandConfig } from '../config/schema.js';
import type { AnalyzedMention } from '../core/types.js';
import { compileMatcher, mentionMatchDoc, parseQuery, type Matcher } from '../query/index.js';
import type { MentionSignal } from '../store/types.js';
import { DEFAULT_BRAND_ALERTS, resolveRules, type Preset, type ResolvedRule } from './config.js';
import { evaluate, initialRuleState, severityOf, step, type Evaluation, type RuleState } from './detector.js';
import { explain, type ExplainInput } from './explain.js';
import { Series } from './series.js';
import type { Alert } from './types.js';
import { signalOfMention } from './windows.js';

export interface EngineBrand {
  id: string;
  language: 'en' | 'fr';
  rules: ResolvedRule[];
  graceMs: number;
  gapMs: number;
}

/** What an alert's explanation was made from, to make it again from full windows (the backtest, statsOnly). */
export interface ExplainBasis {
  input: Omit<ExplainInput, 'window' | 'baseline'>;
  /** The baseline windows explain() read, in its order, and whether each was compacted then. */
  baseline: { start: number; compacted: boolean }[];
}

export type Decision =
  | { kind: 'fire'; alert: Alert; windowStart: number; basis: ExplainBasis }
  | { kind: 'calm'; brand: string; rule: string; windowStart: number; at: string; firing: ReadonlySet<string> };

/** The brands of a config as the engine reads them; `only` keeps one rule, `preset` overrides every rule's preset (backtest). */
export function engineBrands(brands: readonly BrandConfig[], options: { brand?: string; rule?: string; preset?: Preset } = {}): EngineBrand[] {
  return brands
    .filter((b) => (options.brand === undefined || b.id === options.brand) && (b.alerts?.enabled ?? true))
    .map((b) => {
      const alerts = b.alerts ?? DEFAULT_BRAND_ALERTS;
      const rules = resolveRules(alerts, options.preset !== undefined ? { preset: options.preset } : undefined).filter((r) => options.rule === undefined || r.name === options.rule);
      return { id: b.id, language: b.language ?? 'en', rules, graceMs: alerts.grace_seconds * 1000, gapMs: alerts.incident_gap_minutes * 60_000 };
    });
}

export const alertIdOf = (brand: string, rule: string, windowStart: number) =>
  `al-${createHash('sha256').update(`${brand}\u0000${rule}\u0000${windowStart}`).digest('hex').slice(0, 24)}`;

interface BrandState {
  brand: EngineBrand;
  series: Series[];
  matchers: (Matcher | undefined)[];
  states: Map<string, RuleState>;
}

export interface EngineOptions {
  /** When an alert fires (ISO); default: the window's end plus grace (what a backtest and a replay say). */
  now?: () => number;
  /**
   * Windows count only their metrics (WindowAccumulator.statsOnly): decisions are the same, but the
   * explanations lack fields, terms, sources, languages and examples; the caller makes them again
   * from each fire's `basis` (backtest.ts).
   */
  statsOnly?: boolean;
}

export class AlertEngine {
  private readonly brands = new Map<string, BrandState>();
  private readonly now: (() => number) | undefined;

  constructor(brands: readonly EngineBrand[], options: EngineOptions = {}) {
    this.now = options.now;
    for (const brand of brands) {
      const groups = new Map<string, ResolvedRule[]>();
      for (const rule of brand.rules) {
        const key = `${rule.windowMs}\u0000${rule.query ?? ''}`;
        groups.set(key, [...(groups.get(key) ?? []), rule]);
      }
      const series = [...groups.values()].map((rules) => new Series(rules[0]!.windowMs, rules[0]!.query, rules, options.statsOnly ?? false));
      const matchers = series.map((s) => (s.query === undefined ? undefined : compileMatcher(parseQuery(s.query))));
      this.brands.set(brand.id, { brand, series, matchers, states: new Map(brand.rules.map((r) => [r.name, initialRuleState()])) });
    }
  }

  brandIds(): string[] {
    return [...this.brands.keys()];
  }

  /** The series of a brand: a query (undefined for all its mentions) each; what a rebuild scans. */
  seriesOf(brand: string): { index: number; query: string | undefined; windowMs: number; historyMs: number; graceMs: number }[] {
    const b = this.brands.get(brand);
    return (b?.series ?? []).map((s, index) => ({ index, query: s.query, windowMs: s.windowMs, historyMs: s.historyMs, graceMs: b!.brand.graceMs }));
  }

  /** Counts an analyzed mention in every series of its brands it belongs to. */
  addMention(m: AnalyzedMention): void {
    let signal: MentionSignal | undefined;
    let doc: ReturnType<typeof mentionMatchDoc> | undefined;
    for (const id of m.brands) {
      const b = this.brands.get(id);
      if (!b) continue;
      b.series.forEach((series, i) => {
        const matcher = b.matchers[i];
        if (matcher && !matcher((doc ??= mentionMatchDoc(m)))) return;
        series.add((signal ??= signalOfMention(m)));
      });
    }
  }

  /** Counts a signal read from the store in one series of a brand (a rebuild or a backtest). */
  addSignal(brand: string, seriesIndex: number, s: MentionSignal): void {
    this.brands.get(brand)?.series[seriesIndex]?.add(s);
  }

  /** A rebuild that found nothing still starts the series there, so empty windows count as zeros. */
  beginAt(brand: string, seriesIndex: number, ms: number): void {
    this.brands.get(brand)?.series[seriesIndex]?.beginAt(ms);
  }

  /** Rules of the brand that are firing (an open episode). */
  firing(brand: string): Set<string> {
    const b = this.brands.get(brand);
    return new Set(b ? [...b.states].filter(([, s]) => s.firing).map(([name]) => name) : []);
  }

  /** Closes every window whose end plus grace `watermark` passed, in order; what fired and what calmed. */
  advance(watermark: number, only?: { brand: string; seriesIndex: number }): Decision[] {
    const decisions: Decision[] = [];
    for (const b of this.brands.values()) {
      if (only && b.brand.id !== only.brand) continue;
      b.series.forEach((series, i) => {
        if (only && i !== only.seriesIndex) return;
        for (let start = series.closeNext(watermark, b.brand.graceMs); start !== undefined; start = series.closeNext(watermark, b.brand.graceMs)) {
          decisions.push(...this.evaluateWindow(b, series, start));
        }
      });
    }
    return decisions.sort((a, b) => a.windowStart - b.windowStart);
  }

  private evaluateWindow(b: BrandState, series: Series, start: number): Decision[] {
    const out: Decision[] = [];
    const current = series.stats(start);
    for (const rule of series.rules) {
      let evaluation: Evaluation | undefined;
      let baseline: ReturnType<Series['baseline']> | undefined;
      if (current) {
        baseline = series.baseline(rule, start);
        evaluation = evaluate(rule, current, baseline.stats, baseline.method);
      }
      const before = b.states.get(rule.name) ?? initialRuleState();
      const result = step(rule, before, evaluation, start);
      b.states.set(rule.name, result.state);
      const end = start + rule.windowMs;
      const at = new Date(this.now ? this.now() : end + b.brand.graceMs).toISOString();
      if (result.step === 'fire' && evaluation && baseline) {
        const severity = severityOf(rule, evaluation.deviation);
        const input = { brand: b.brand.id, language: b.brand.language, rule, evaluation, severity };
        const explanation = explain({ ...input, window: series.window(start), baseline: baseline.windows });
        const alert: Alert = {
          id: alertIdOf(b.brand.id, rule.name, start),
          brand: b.brand.id,
          rule: rule.name,
          metric: rule.metric,
          window: rule.window,
          windowStart: new Date(start).toISOString(),
          windowEnd: new Date(end).toISOString(),
          value: evaluation.value,
          baseline: evaluation.baseline,
          deviation: evaluation.deviation,
          severity,
          incidentId: '',
          firedAt: at,
          explanation,
        };
        out.push({ kind: 'fire', alert, windowStart: start, basis: { input, baseline: baseline.windows.map((w) => ({ start: w.start, compacted: w.compacted })) } });
      } else if (result.step === 'resolve') {
        out.push({ kind: 'calm', brand: b.brand.id, rule: rule.name, windowStart: start, at, firing: this.firing(b.brand.id) });
      }
    }
    return out;
  }
}
