// Leave-one-set-out evaluation (issue 16): for each source of trainable labelled data, a model is
// trained on all the other sources and scores the one left out; the measure-only sets are scored
// by a model trained on every trainable source. The mean of those figures is what measures how the
// tone holds on text the model never saw. Texts of the left-out source are also removed from the
// other sources' training data (tweeteval_val and umsab_en share tweets).
import type { Sentiment } from '../../core/types.js';
import { decisionFromLogits, decisionFromRules, type Decision } from '../sentiment.js';
import { applyConfidenceMap, fitConfidenceMap, type ConfidenceMap } from './confidence.js';
import { accuracy, bySign, macroF1, POLARITIES, type LabelledSet, type Polarity } from './dataset.js';
import { hashedLogits, modelLogits, parseModel, type SentimentModel } from './model.js';
import { featurize, fitModel, groupOf, lexiconItems, MEASURE_ONLY, type Item, type TrainOptions } from './train.js';

export interface LeftOut {
  set: string;
  lang: string;
  n: number;
  metric: 'accuracy' | 'macro-F1';
  /** Accuracy or macro-F1 (0..1) of the model that never saw this set's source. */
  figure: number;
  /** 'left out' or 'measure only'. */
  how: string;
}

export interface Scored {
  set: string;
  binary: boolean;
  gold: Polarity;
  /** With the raw confidence (the fold models carry no confidence map). */
  sentiment: Sentiment;
  kind: Decision['kind'];
}

function scoreItem(model: SentimentModel, it: Item): Decision {
  if (it.rules.words === 0 || it.lang === 'other') return decisionFromRules(it.rules, it.lang);
  const z = model.kind === 'named' ? modelLogits(model, it.named) : hashedLogits(model, it.hashed.idx, it.hashed.val);
  return decisionFromLogits(model, it.rules, it.lang, z, undefined, undefined);
}

export function figureOf(binary: boolean, gold: readonly Polarity[], s: readonly Sentiment[]): number {
  return binary
    ? accuracy(gold, s.map((x) => bySign(x.score)))
    : macroF1(gold, s.map((x) => (x.label === 'mixed' ? 'neutral' : x.label)));
}

export function leaveOneSetOut(sets: readonly LabelledSet[], o: TrainOptions, log: (line: string) => void = () => {}): { rows: LeftOut[]; scored: Scored[] } {
  const trainable = sets.filter((s) => !MEASURE_ONLY.has(s.name));
  const measured = sets.filter((s) => MEASURE_ONLY.has(s.name));
  const items = new Map(sets.map((s) => [s.name, featurize(s, o.bits)] as const));
  const lexicon = lexiconItems(o.bits);
  const groups = [...new Set(trainable.map((s) => groupOf(s.name)))].sort();
  const rows: LeftOut[] = [];
  const scored: Scored[] = [];
  const score = (model: SentimentModel, set: LabelledSet, how: string): void => {
    const its = items.get(set.name)!;
    const d = its.map((it) => scoreItem(model, it));
    const s = d.map((x) => x.sentiment);
    const gold = its.map((it) => POLARITIES[it.label]!);
    rows.push({ set: set.name, lang: set.lang, n: its.length, metric: set.binary ? 'accuracy' : 'macro-F1', figure: figureOf(set.binary, gold, s), how });
    its.forEach((it, i) => scored.push({ set: set.name, binary: set.binary, gold: gold[i]!, sentiment: s[i]!, kind: d[i]!.kind }));
  };
  const all = trainable.flatMap((s) => items.get(s.name)!);
  for (const g of [...groups, '(none)']) {
    const started = Date.now();
    const left = trainable.filter((s) => groupOf(s.name) === g);
    const leftKeys = new Set(left.flatMap((s) => items.get(s.name)!.map((it) => it.key)));
    const train = [...all.filter((it) => groupOf(it.set) !== g && !leftKeys.has(it.key)), ...lexicon];
    const model = parseModel(fitModel(train, o));
    if (g === '(none)') for (const s of measured) score(model, s, 'measure only');
    else for (const s of left) score(model, s, 'left out');
    const figures = rows.slice(-(g === '(none)' ? measured.length : left.length)).map((r) => `${r.set} ${(r.figure * 100).toFixed(1)}`).join(', ');
    log(`left out ${g}: trained on ${train.length} texts in ${((Date.now() - started) / 1000).toFixed(0)} s: ${figures}`);
  }
  return { rows, scored };
}

const isRight = (x: Scored): boolean => (x.sentiment.label === 'mixed' ? 'neutral' : x.sentiment.label) === x.gold;

/**
 * The confidence map fitted on out-of-source predictions (the 3-class sets: on a binary set a
 * neutral label is wrong by construction, which says nothing about the confidence of a neutral).
 */
export function fitOutOfSourceMap(scored: readonly Scored[]): ConfidenceMap {
  const obs = scored.filter((x) => !x.binary && x.kind !== 'rating').map((x) => ({ kind: x.kind as Exclude<Decision['kind'], 'rating'>, confidence: x.sentiment.confidence, right: isRight(x) }));
  return fitConfidenceMap(obs);
}

/**
 * Nested calibration, so that the reliability figure is honest: each source's predictions get a
 * map fitted on the other sources' out-of-source predictions only (the measure-only sets count
 * as sources of their own). Returns the predictions with calibrated confidence.
 */
export function nestedCalibration(scored: readonly Scored[]): Scored[] {
  const sourceOf = (x: Scored): string => (MEASURE_ONLY.has(x.set) ? x.set : groupOf(x.set));
  const sources = [...new Set(scored.map(sourceOf))];
  const maps = new Map(sources.map((g) => [g, fitOutOfSourceMap(scored.filter((x) => sourceOf(x) !== g))] as const));
  return scored.map((x) => {
    if (x.kind === 'rating') return x;
    const confidence = Math.round(applyConfidenceMap(maps.get(sourceOf(x)), x.kind, x.sentiment.confidence) * 1000) / 1000;
    return { ...x, sentiment: { ...x.sentiment, confidence } };
  });
}

export interface Reliability {
  bins: { from: number; to: number; n: number; confidence: number; accuracy: number }[];
  ece: number;
}

/**
 * Reliability of `confidence` as the probability that the label is right ('mixed' read as
 * neutral), in ten equal-width bins; ECE is the n-weighted mean |accuracy − confidence|.
 */
export function reliability(items: readonly { gold: Polarity; sentiment: Sentiment }[], bins = 10): Reliability {
  const acc = Array.from({ length: bins }, () => ({ n: 0, c: 0, ok: 0 }));
  for (const x of items) {
    const c = Math.min(1, Math.max(0, x.sentiment.confidence));
    const b = acc[Math.min(bins - 1, Math.floor(c * bins))]!;
    const label = x.sentiment.label === 'mixed' ? 'neutral' : x.sentiment.label;
    b.n++;
    b.c += c;
    if (label === x.gold) b.ok++;
  }
  let ece = 0;
  const out = acc.map((b, i) => {
    if (b.n > 0) ece += (b.n / Math.max(1, items.length)) * Math.abs(b.ok / b.n - b.c / b.n);
    return { from: i / bins, to: (i + 1) / bins, n: b.n, confidence: b.n ? b.c / b.n : 0, accuracy: b.n ? b.ok / b.n : 0 };
  });
  return { bins: out, ece };
}
