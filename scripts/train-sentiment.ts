// npm run train:sentiment — trains the shipped sentiment model (config/models/sentiment.json) on
// the *_train sets of ../shared/data/sentiment/ (or $ECOUTE_SENTIMENT_DATA), and nothing else.
// Deterministic: sets, examples and features are taken in sorted order, the optimiser is
// full-batch L-BFGS (no random sampling), and the weights are rounded before they are written, so
// the same data gives the same file, byte for byte. Short texts made from the lexicons are added
// (see lexiconItems). Model card: config/models/MODEL_CARD.md.
//
//   --exclude NAME   leave a training set out (repeatable), e.g. --exclude allocine_tv_train
//   --l2 X           L2 penalty (default 3e-4) · --dense-l2 M (its multiplier on the dense
//                    features, default 0.1) · --min-count N (default 2) · --top K (default 6000)
//   --cv K           K-fold cross-validation on the training sets (prints figures, writes nothing)
//   --out FILE       where to write (default config/models/sentiment.json)
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readText } from '../src/nlp/analyze.js';
import { packageRoot, readValenceFile } from '../src/nlp/resources.js';
import { ruleSentiment } from '../src/nlp/sentiment.js';
import { accuracy, listSets, macroF1, POLARITIES, sentimentDataDir, type LabelledSet, type Polarity } from '../src/nlp/sentiment/dataset.js';
import { sentimentFeatures, type Features } from '../src/nlp/sentiment/features.js';
import { logits, softmax, trainSoftmax, type SparseRow } from '../src/nlp/sentiment/logreg.js';
import { CLASSES, MODEL_FORMAT, type ModelFile } from '../src/nlp/sentiment/model.js';

const require = createRequire(import.meta.url);

interface Options {
  exclude: string[];
  l2: number;
  minCount: number;
  top: number;
  cv: number;
  out: string;
  /** Penalty multiplier of the dense (lexicon and rule) features: they are few and general. */
  denseL2: number;
}

function parseArgs(): Options {
  const o: Options = { exclude: [], l2: 3e-4, minCount: 2, top: 6000, cv: 0, denseL2: 0.1, out: join(packageRoot(), 'config', 'models', 'sentiment.json') };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a}: missing value`);
    if (a === '--exclude') o.exclude.push(v);
    else if (a === '--l2') o.l2 = Number(v);
    else if (a === '--min-count') o.minCount = Number(v);
    else if (a === '--top') o.top = Number(v);
    else if (a === '--cv') o.cv = Number(v);
    else if (a === '--out') o.out = v;
    else if (a === '--dense-l2') o.denseL2 = Number(v);
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

interface Item {
  set: string;
  label: number;
  features: Features;
}

function featurize(set: LabelledSet): Item[] {
  return set.examples.map((e) => {
    const { lang, tokens } = readText(e.text, { lang: set.lang });
    return { set: set.name, label: POLARITIES.indexOf(e.label), features: sentimentFeatures(tokens, lang, ruleSentiment(tokens, lang)) };
  });
}

/**
 * The lexicons as short training texts: each strong opinion word (or phrase, or emoji) alone,
 * labelled by the sign of its valence, and each strong positive one negated ("not good", "pas
 * bon", "ce n'est pas bon") as negative. The labelled sets are small and topical; these teach the
 * model what the rules know (a lone "great" or 😡 is an opinion, negation flips it) instead of
 * letting it learn that short texts are neutral. Weighed, all together, as half a labelled set.
 */
function lexiconItems(): Item[] {
  const texts: { text: string; lang: 'en' | 'fr'; label: Polarity }[] = [];
  const add = (lang: 'en' | 'fr', map: Map<string, number>, min: number, negate: (w: string) => string[]): void => {
    for (const [w, v] of [...map].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      if (Math.abs(v) < min || /[^\p{L}' -]/u.test(w)) continue;
      texts.push({ text: w, lang, label: v > 0 ? 'positive' : 'negative' });
      if (v > 0 && !/\b(not|no|never|pas|jamais|sans|ne|n')\b/.test(w)) for (const n of negate(w)) texts.push({ text: n, lang, label: 'negative' });
    }
  };
  const afinn = new Map(Object.entries(require('sentiment/languages/en/labels.json') as Record<string, number>).map(([w, v]) => [w, v * 0.8] as [string, number]));
  add('en', afinn, 2.4, (w) => [`not ${w}`]);
  add('en', readValenceFile('sentiment-en.tsv'), 1.6, (w) => [`not ${w}`]);
  add('fr', readValenceFile('vader_fr_lexicon.txt'), 2.4, (w) => [`pas ${w}`]);
  add('fr', readValenceFile('sentiment-fr.tsv'), 1.6, (w) => [`pas ${w}`, `ce n'est pas ${w}`]);
  for (const [e, v] of [...readValenceFile('sentiment-emoji.tsv')].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (Math.abs(v) < 1.2) continue;
    for (const lang of ['en', 'fr'] as const) texts.push({ text: e, lang, label: v > 0 ? 'positive' : 'negative' });
  }
  return texts.map((t) => {
    const { lang, tokens } = readText(t.text, { lang: t.lang });
    return { set: LEXICON_SET, label: POLARITIES.indexOf(t.label), features: sentimentFeatures(tokens, lang, ruleSentiment(tokens, lang)) };
  });
}

const LEXICON_SET = '(lexicons)';

/** Each labelled set weighs the same in total, whatever its size; the lexicon texts half that. */
function setWeights(items: readonly Item[]): Float64Array {
  const counts = new Map<string, number>();
  for (const it of items) counts.set(it.set, (counts.get(it.set) ?? 0) + 1);
  const sets = [...counts.keys()].filter((k) => k !== LEXICON_SET).length;
  const mean = items.filter((it) => it.set !== LEXICON_SET).length / sets;
  return Float64Array.from(items.map((it) => (it.set === LEXICON_SET ? LEXICON_WEIGHT : 1) * mean / counts.get(it.set)!));
}

const LEXICON_WEIGHT = 0.5;

interface Fitted {
  vocabulary: string[];
  W: Float64Array;
}

function rowsOf(items: readonly Item[], index: Map<string, number>): SparseRow[] {
  return items.map((it) => {
    const idx: number[] = [];
    const val: number[] = [];
    it.features.names.forEach((n, j) => {
      const f = index.get(n);
      if (f !== undefined) {
        idx.push(f);
        val.push(it.features.values[j]!);
      }
    });
    return { idx: Int32Array.from(idx), val: Float64Array.from(val) };
  });
}

function fit(items: readonly Item[], o: Options): Fitted {
  // Vocabulary: dense features always; sparse ones seen in at least minCount examples. Sorted.
  const df = new Map<string, number>();
  for (const it of items) for (const n of it.features.names) df.set(n, (df.get(n) ?? 0) + 1);
  let vocabulary = [...df].filter(([n, c]) => n.includes('d:') || c >= o.minCount).map(([n]) => n).sort();
  const K = CLASSES.length;
  const labels = items.map((it) => it.label);
  const weights = setWeights(items);
  const train = (vocab: string[], init?: Float64Array): Float64Array => {
    const index = new Map(vocab.map((n, i) => [n, i]));
    const l2Scale = Float64Array.from(vocab.map((n) => (n.includes('d:') ? o.denseL2 : 1)));
    return trainSoftmax(rowsOf(items, index), labels, vocab.length, K, { l2: o.l2, l2Scale, weights, maxIter: 400, ...(init && { init }) });
  };
  let W = train(vocabulary);
  // Prune: keep the dense features and the top-k sparse ones by spread of their class weights,
  // then refit on those alone so the kept weights make up for the dropped ones.
  const spread = (f: number): number => {
    const w = [W[f * K]!, W[f * K + 1]!, W[f * K + 2]!];
    return Math.max(...w) - Math.min(...w);
  };
  const sparse = vocabulary.map((n, f) => ({ n, f, s: spread(f) })).filter((x) => !x.n.includes('d:'));
  if (sparse.length > o.top) {
    const keep = new Set(sparse.sort((a, b) => b.s - a.s || (a.n < b.n ? -1 : 1)).slice(0, o.top).map((x) => x.n));
    const oldIndex = new Map(vocabulary.map((n, i) => [n, i]));
    const pruned = vocabulary.filter((n) => n.includes('d:') || keep.has(n));
    const init = new Float64Array(pruned.length * K + K);
    pruned.forEach((n, i) => {
      const f = oldIndex.get(n)!;
      for (let k = 0; k < K; k++) init[i * K + k] = W[f * K + k]!;
    });
    for (let k = 0; k < K; k++) init[pruned.length * K + k] = W[vocabulary.length * K + k]!;
    vocabulary = pruned;
    W = train(vocabulary, init);
  }
  return { vocabulary, W };
}

function predict(m: Fitted, items: readonly Item[]): Float64Array[] {
  const index = new Map(m.vocabulary.map((n, i) => [n, i]));
  return rowsOf(items, index).map((row) => softmax(logits(m.W, row, m.vocabulary.length, CLASSES.length)));
}

function round(x: number): number {
  const r = Math.round(x * 1e4) / 1e4;
  return r === 0 ? 0 : r;
}

function toFile(m: Fitted, o: Options, sets: readonly LabelledSet[], lexicon: readonly Item[]): ModelFile {
  const K = CLASSES.length;
  const weights: Record<string, number[]> = {};
  m.vocabulary.forEach((n, f) => {
    // Softmax ignores a constant added to a feature's class weights: centre them.
    const w = [0, 1, 2].map((k) => m.W[f * K + k]!);
    const mean = (w[0]! + w[1]! + w[2]!) / 3;
    const c = w.map((x) => round(x - mean));
    if (c.some((x) => x !== 0)) weights[n] = c;
  });
  const b = [0, 1, 2].map((k) => m.W[m.vocabulary.length * K + k]!);
  const bm = (b[0]! + b[1]! + b[2]!) / 3;
  return {
    format: MODEL_FORMAT,
    classes: [...CLASSES],
    bias: b.map((x) => round(x - bm)),
    weights,
    meta: {
      trainedOn: sets.map((s) => ({ set: s.name, lang: s.lang, examples: s.examples.length })),
      lexiconTexts: lexicon.length,
      l2: o.l2,
      minCount: o.minCount,
      top: o.top,
      features: Object.keys(weights).length,
      card: 'config/models/MODEL_CARD.md',
    },
  };
}

function crossValidate(items: readonly Item[], o: Options, sets: readonly LabelledSet[], extra: readonly Item[]): void {
  const K = o.cv;
  const folds = items.map((_, i) => i % K);
  const predicted: Float64Array[] = new Array(items.length);
  for (let k = 0; k < K; k++) {
    const train = [...items.filter((_, i) => folds[i] !== k), ...extra];
    const test = items.map((it, i) => ({ it, i })).filter(({ i }) => folds[i] === k);
    const m = fit(train, o);
    const p = predict(m, test.map((t) => t.it));
    test.forEach(({ i }, j) => (predicted[i] = p[j]!));
  }
  for (const set of sets) {
    const idx = items.map((it, i) => ({ it, i })).filter(({ it }) => it.set === set.name);
    const gold = idx.map(({ it }) => POLARITIES[it.label]!);
    const probs = idx.map(({ i }) => predicted[i]!);
    const label = probs.map((p) => POLARITIES[p.indexOf(Math.max(...p))]! as Polarity);
    const sign = probs.map((p) => (p[2]! > p[0]! ? 'positive' : 'negative') as Polarity);
    const figure = set.binary ? `accuracy ${(accuracy(gold, sign) * 100).toFixed(1)} %` : `macro-F1 ${macroF1(gold, label).toFixed(3)}`;
    process.stdout.write(`cv ${o.cv}-fold  ${set.name.padEnd(20)} ${figure}\n`);
  }
}

const o = parseArgs();
const sets = listSets(sentimentDataDir()).filter((s) => s.train && !o.exclude.includes(s.name));
if (sets.length === 0) throw new Error('no *_train set to learn from');
const items = sets.flatMap(featurize);
const lexicon = lexiconItems();
if (o.cv > 1) {
  crossValidate(items, o, sets, lexicon);
} else {
  const m = fit([...items, ...lexicon], o);
  const file = toFile(m, o, sets, lexicon);
  const text = `${JSON.stringify(file)}\n`;
  writeFileSync(o.out, text);
  process.stdout.write(`trained on ${sets.map((s) => `${s.name} (${s.examples.length})`).join(', ')}: ${Object.keys(file.weights).length} features, ${(text.length / 1024).toFixed(0)} KB → ${o.out}\n`);
}
