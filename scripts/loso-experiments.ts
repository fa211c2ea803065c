// Leave-one-set-out experiments on the named recipe (loso18, issue 16): the eval's protocol
// (src/nlp/sentiment/loso.ts: one training per source, shared texts removed, measure-only sets
// scored by a model trained on every trainable source) over texts featurized once, so that a
// variant of the features, the source weights or the learner costs seconds, not a full eval. The
// figures match `npm run eval:sentiment -- --only ecoute` for `base` (same sampling, same folds).
// Not a shipping path: a variant that wins here goes into features.ts / train.ts and is confirmed
// by eval:sentiment.
//
//   npm run build && node dist/scripts/loso-experiments.js [--sample 1500] [--tune] [--l2 X] VARIANT...
//
// Variants (README, "Tone on unseen text"): base · source (each source weighs once: train and val
// splits of one corpus together, instead of each split once) · person (first/second-person
// pronouns) · exclamation · capitals · style (the three) · source-style · rule-view (strongest
// contribution, last sentence's sum, opinion density, mixed flag, a steeper squash of the sum) ·
// dense-only (the 28 lexicon and rule features alone, no word) · all-words (every word, not only
// opinion words) · in-source (not left out: each source's half scored by a model that saw the
// other half; the ceiling of what learning the source itself would give).
// --tune also prints the best mix (share, rule steepness, neutral log-odds) chosen on the figures
// themselves: an optimistic bound, not a figure to report as left out.
import { readText } from '../src/nlp/analyze.js';
import { accuracy, bySign, listSets, macroF1, POLARITIES, sentimentDataDir, type LabelledSet, type Polarity } from '../src/nlp/sentiment/dataset.js';
import { featureWord, isOpinionWord, sentimentFeatures, type Features } from '../src/nlp/sentiment/features.js';
import { modelLogits, parseModel, type MixOptions, type NamedModel } from '../src/nlp/sentiment/model.js';
import { ruleSentiment } from '../src/nlp/sentiment/rules/index.js';
import { defaultOptions, fitModel, groupOf, lexiconItems, MEASURE_ONLY, NAMED_MIX, type Item, type TrainOptions } from '../src/nlp/sentiment/train.js';
import { decisionFromLogits, decisionFromRules } from '../src/nlp/sentiment.js';
import type { Token } from '../src/nlp/tokenize.js';

type Ex = Item & { tokens: readonly Token[] };
interface Pred { set: string; binary: boolean; gold: number; z: [number, number, number] | null; it: Ex }

const argv = process.argv.slice(2);
let n = 1500;
let tune = false;
let l2: number | undefined;
const variants: string[] = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--sample') n = Number(argv[++i]);
  else if (argv[i] === '--tune') tune = true;
  else if (argv[i] === '--l2') l2 = Number(argv[++i]);
  else variants.push(argv[i]!);
}

function sample(set: LabelledSet, k: number): LabelledSet {
  const total = set.examples.length;
  if (k <= 0 || total <= k) return set;
  return { ...set, examples: Array.from({ length: k }, (_, i) => set.examples[Math.floor((i * total) / k)]!) };
}

const sets = listSets(sentimentDataDir()).map((s) => sample(s, n));
const items = new Map<string, Ex[]>(sets.map((s) => [s.name, s.examples.map((e) => {
  const { lang, tokens } = readText(e.text, { lang: s.lang });
  const rules = ruleSentiment(tokens, lang);
  return { set: s.name, lang, label: POLARITIES.indexOf(e.label), binary: s.binary, key: e.text.toLowerCase().replace(/\s+/g, ' ').trim(), rules, tokens, named: sentimentFeatures(tokens, lang, rules), hashed: { idx: [], val: [] } };
})]));
const lexicon: Ex[] = lexiconItems(0).map((it) => ({ ...it, tokens: readText(it.key, { lang: it.lang }).tokens }));

const dense = (it: Ex, pairs: [string, number][]): Features => {
  const out: Features = { names: [], values: [] };
  for (const [k, v] of pairs) if (v !== 0) {
    out.names.push(`d:${k}`, `${it.lang}:d:${k}`);
    out.values.push(v, v);
  }
  return out;
};
const FIRST = new Set(['i', 'me', 'my', 'mine', 'myself', 'je', "j'", 'moi', 'mon', 'ma', 'mes', "m'"]);
const SECOND = new Set(['you', 'your', 'yours', 'u', 'ur', 'tu', 'te', 'toi', 'ton', 'ta', 'tes', 'vous', 'votre', 'vos', "t'"]);
const person = (it: Ex): Features => {
  let f = 0;
  let s = 0;
  for (const t of it.tokens) if (t.kind === 'word') {
    if (FIRST.has(t.lower) || FIRST.has(t.key)) f++;
    if (SECOND.has(t.lower) || SECOND.has(t.key)) s++;
  }
  return dense(it, [['first', Math.min(f, 3) / 3], ['second', Math.min(s, 3) / 3]]);
};
const exclamation = (it: Ex): Features => dense(it, [['excl', Math.min(it.rules.exclamations, 3) / 3]]);
const capitals = (it: Ex): Features => dense(it, [['caps', Math.min(it.rules.capitals, 3) / 3]]);
const sq = (x: number, a: number): number => x / Math.sqrt(x * x + a);
const ruleView = (it: Ex): Features => {
  const r = it.rules;
  const c = r.contributions;
  const last = c.reduce((m, k) => Math.max(m, k.sentence), 0);
  let lastSum = 0;
  let strongest = 0;
  for (const k of c) {
    if (k.sentence === last) lastSum += k.value;
    if (Math.abs(k.value) > Math.abs(strongest)) strongest = k.value;
  }
  return dense(it, [['maxpos', Math.log1p(r.maxPositive) / 2], ['maxneg', Math.log1p(r.maxNegative) / 2], ['sq1', sq(r.sum, 1)], ['last', sq(lastSum, 2)], ['strong', sq(strongest, 2)], ['density', r.words ? Math.min(1, (c.length / r.words) * 3) : 0], ['mixed', r.mixed ? 1 : 0]]);
};
const join = (...fs: ((it: Ex) => Features)[]) => (it: Ex, f: Features): Features => {
  const out: Features = { names: [...f.names], values: [...f.values] };
  for (const g of fs) {
    const x = g(it);
    out.names.push(...x.names);
    out.values.push(...x.values);
  }
  return out;
};
const denseOnly = (_it: Ex, f: Features): Features => {
  const out: Features = { names: [], values: [] };
  f.names.forEach((name, i) => {
    if (name.includes('d:')) {
      out.names.push(name);
      out.values.push(f.values[i]!);
    }
  });
  return out;
};
const allWords = (it: Ex, f: Features): Features => {
  const extra = new Set<string>();
  for (const t of it.tokens) if (t.kind === 'word' && !isOpinionWord(t, it.lang)) {
    const w = featureWord(t, it.lang);
    if (w !== '') extra.add(`${it.lang}:w_${w}`);
  }
  const sparse = f.names.filter((x) => !x.includes('d:')).length + extra.size;
  const v = 1 / Math.sqrt(Math.sqrt(Math.max(1, sparse)));
  return { names: [...f.names, ...extra], values: [...f.values, ...[...extra].map(() => v)] };
};

interface Variant { transform?: (it: Ex, f: Features) => Features; bySource?: boolean; inSource?: boolean; o?: Partial<TrainOptions> }
const VARIANTS: Record<string, Variant> = {
  base: {},
  source: { bySource: true },
  person: { transform: join(person) },
  exclamation: { transform: join(exclamation) },
  capitals: { transform: join(capitals) },
  style: { transform: join(person, exclamation, capitals) },
  'source-style': { bySource: true, transform: join(person, exclamation, capitals) },
  'rule-view': { transform: join(ruleView) },
  'dense-only': { transform: denseOnly },
  'all-words': { transform: allWords },
  'in-source': { inSource: true },
};

function run(v: Variant): Pred[] {
  const o: TrainOptions = { ...defaultOptions('named'), ...v.o, ...(l2 !== undefined && { l2 }) };
  const prep = (it: Ex): Ex => ({ ...it, ...(v.bySource && { set: groupOf(it.set) }), named: v.transform ? v.transform(it, it.named) : it.named });
  const A = new Map([...items].map(([k, arr]) => [k, arr.map(prep)] as const));
  const lex = lexicon.map((it) => ({ ...it, named: v.transform ? v.transform(it, it.named) : it.named }));
  const trainable = sets.filter((s) => !MEASURE_ONLY.has(s.name));
  const measured = sets.filter((s) => MEASURE_ONLY.has(s.name));
  const groups = [...new Set(trainable.map((s) => groupOf(s.name)))].sort();
  const all = trainable.flatMap((s) => A.get(s.name)!.map((it, i) => ({ it, name: s.name, half: i % 2 })));
  const out: Pred[] = [];
  const score = (model: NamedModel, name: string, it: Ex): void => {
    const set = sets.find((s) => s.name === name)!;
    out.push({ set: name, binary: set.binary, gold: it.label, z: it.rules.words === 0 || it.lang === 'other' ? null : modelLogits(model, it.named), it });
  };
  const folds: { test: typeof all; measure: boolean }[] = [];
  for (const g of groups) {
    const mine = all.filter((x) => groupOf(x.name) === g);
    if (v.inSource) for (const h of [0, 1]) folds.push({ test: mine.filter((x) => x.half === h), measure: false });
    else folds.push({ test: mine, measure: false });
  }
  folds.push({ test: [], measure: true });
  for (const fold of folds) {
    const testSet = new Set(fold.test);
    const keys = new Set(fold.test.map((x) => x.it.key));
    const leftGroup = fold.test.length > 0 ? groupOf(fold.test[0]!.name) : '';
    const train = all.filter((x) => !testSet.has(x) && !keys.has(x.it.key) && (v.inSource || groupOf(x.name) !== leftGroup)).map((x) => x.it);
    const model = parseModel(fitModel([...train, ...lex], o)) as NamedModel;
    if (fold.measure) for (const s of measured) for (const it of A.get(s.name)!) score(model, s.name, it);
    else for (const x of fold.test) score(model, x.name, x.it);
  }
  return out;
}

function figures(preds: readonly Pred[], mix: MixOptions): { mean: number; rows: Map<string, number> } {
  const model = { kind: 'named', mix } as NamedModel;
  const by = new Map<string, { binary: boolean; gold: Polarity[]; label: Polarity[]; sign: (Polarity | undefined)[] }>();
  for (const p of preds) {
    const d = p.z === null ? decisionFromRules(p.it.rules, p.it.lang) : decisionFromLogits(model, p.it.rules, p.it.lang, p.z, undefined, undefined);
    const b = by.get(p.set) ?? { binary: p.binary, gold: [], label: [], sign: [] };
    by.set(p.set, b);
    b.gold.push(POLARITIES[p.gold]!);
    b.label.push(d.sentiment.label === 'mixed' ? 'neutral' : (d.sentiment.label as Polarity));
    b.sign.push(bySign(d.sentiment.score));
  }
  const rows = new Map<string, number>();
  for (const [set, b] of by) rows.set(set, b.binary ? accuracy(b.gold, b.sign) : macroF1(b.gold, b.label));
  const order = sets.map((s) => s.name).filter((s) => rows.has(s));
  const ordered = new Map(order.map((s) => [s, rows.get(s)!] as const));
  return { mean: (100 * [...rows.values()].reduce((a, b) => a + b, 0)) / Math.max(1, rows.size), rows: ordered };
}

for (const name of variants.length > 0 ? variants : ['base']) {
  const v = VARIANTS[name];
  if (v === undefined) throw new Error(`unknown variant ${name}; one of ${Object.keys(VARIANTS).join(', ')}`);
  const started = Date.now();
  const preds = run(v);
  const f = figures(preds, NAMED_MIX);
  const rows = [...f.rows].map(([s, x]) => `${s} ${(x * 100).toFixed(1)}`).join(', ');
  let line = `${name}: mean ${f.mean.toFixed(2)} over ${f.rows.size} sets (${((Date.now() - started) / 1000).toFixed(0)} s)`;
  if (tune) {
    let best = { mean: -1, mix: NAMED_MIX };
    for (const share of [0.5, 0.6, 0.7, 0.8, 0.9]) for (const alpha of [1, 2, 4]) for (const neutralBias of [-0.1, 0, 0.1, 0.2, 0.3, 0.4]) {
      const mix = { ...NAMED_MIX, share, alpha, neutralBias };
      const m = figures(preds, mix).mean;
      if (m > best.mean) best = { mean: m, mix };
    }
    line += `; mix tuned on these figures: ${best.mean.toFixed(2)} (share ${best.mix.share}, alpha ${best.mix.alpha}, neutral ${best.mix.neutralBias})`;
  }
  process.stdout.write(`${line}\n  ${rows}\n`);
}
