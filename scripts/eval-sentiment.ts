// npm run eval:sentiment — écoute's sentiment against public baselines, on every labelled set in
// ../shared/data/sentiment/ (or $ECOUTE_SENTIMENT_DATA). Prints a markdown table; with
// `--json FILE` also writes the figures as JSON.
//
//  - Binary sets (no neutral label): accuracy by the sign of the score. A score of exactly 0 (no
//    opinion) counts as wrong, for every system alike.
//  - 3-class sets: macro-F1 over negative/neutral/positive. écoute's label is used ('mixed' counts
//    as neutral); the baselines' score is cut at their customary thresholds (VADER ±0.05, the
//    others > 0 / < 0).
//  - écoute figures are never reported on a *_train set (the model learned from them): "(train)".
//  - Each set's language comes from its folder (en/, fr/) and is given to analyze() as the
//    source's language hint, as a connector configured with `lang:` would.
//
//  - écoute's figure on each set is the leave-one-set-out one (issue 16): the model that scores a
//    set was trained on every other trainable source, never on it (src/nlp/sentiment/loso.ts); the
//    measure-only sets (non-commercial terms) are scored by a model trained on all trainable ones.
//    The mean of those figures is the number to raise. Then the reliability of `confidence` on the
//    3-class sets (ECE) and the abstention rate below a confidence.
//
// Options: --json FILE, --only ecoute (skip the baselines) | baselines | targets (the per-brand and
// per-target tables alone), --set NAME (repeatable),
// --recipe named|hashed (the training recipe of the left-out models; default named, the shipped one),
// --abstain P (default 0.5: the confidence below which a mention would read "tone uncertain"),
// --sample N (default 1500: every set is read as at most N of its texts, every k-th in file order,
// for écoute and the baselines alike, so that the twelve trainings of the leave-one-set-out table
// run in minutes on a small shared machine; 0 reads every text).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import winkNLP from 'wink-nlp';
import { accuracy, bySign, listSets, macroF1, sentimentDataDir, type LabelledSet, type Polarity } from '../src/nlp/sentiment/dataset.js';
import { fitOutOfSourceMap, leaveOneSetOut, nestedCalibration, reliability } from '../src/nlp/sentiment/loso.js';
import { defaultOptions, type Recipe } from '../src/nlp/sentiment/train.js';
import { evaluateTargets } from '../src/nlp/sentiment/target-eval.js';

const require = createRequire(import.meta.url);

type Prediction = { score: number; label: Polarity };
type Predictor = (text: string, set: LabelledSet) => Prediction | Promise<Prediction>;

function threeWay(score: number, band = 0): Polarity {
  return score > band ? 'positive' : score < -band ? 'negative' : 'neutral';
}

function afinn(): Predictor {
  const Sentiment = require('sentiment') as new () => { analyze(text: string): { score: number; comparative: number } };
  const s = new Sentiment();
  return (text) => {
    const score = s.analyze(text).comparative;
    return { score, label: threeWay(score) };
  };
}

function wink(): Predictor {
  const nlp = winkNLP(require('wink-eng-lite-web-model'));
  return (text) => {
    const score = nlp.readDoc(text).out(nlp.its.sentiment) as unknown as number;
    return { score, label: threeWay(score) };
  };
}

function vader(): Predictor {
  const { SentimentIntensityAnalyzer } = require('vader-sentiment') as { SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } } };
  return (text) => {
    const score = SentimentIntensityAnalyzer.polarity_scores(text).compound;
    return { score, label: threeWay(score, 0.05) };
  };
}

/** natural's SentimentAnalyzer: French "pattern" lexicon with the French stemmer on French sets, AFINN on English ones. */
function natural(): Predictor {
  const Analyzer = require('natural/lib/natural/sentiment/SentimentAnalyzer.js') as new (lang: string, stemmer: unknown, type: string) => { getSentiment(words: string[]): number };
  const Tokenizer = require('natural/lib/natural/tokenizers/aggressive_tokenizer_fr') as new () => { tokenize(t: string): string[] };
  const TokenizerEn = require('natural/lib/natural/tokenizers/aggressive_tokenizer') as new () => { tokenize(t: string): string[] };
  const fr = new Analyzer('French', require('natural/lib/natural/stemmers/porter_stemmer_fr'), 'pattern');
  const en = new Analyzer('English', require('natural/lib/natural/stemmers/porter_stemmer'), 'afinn');
  const tfr = new Tokenizer();
  const ten = new TokenizerEn();
  return (text, set) => {
    const words = set.lang === 'fr' ? tfr.tokenize(text) : ten.tokenize(text);
    const raw = words.length === 0 ? 0 : (set.lang === 'fr' ? fr : en).getSentiment(words);
    const score = Number.isFinite(raw) ? raw : 0;
    return { score, label: threeWay(score) };
  };
}

/**
 * nlp.js's SentimentAnalyzer (@nlpjs/sentiment with @nlpjs/lang-en and lang-fr): its own
 * lexicons (ML-Senticon for English, Pattern for French) with its stemmers and negations,
 * given the set's language as locale. Its `score` is cut at 0 like the others'.
 */
function nlpjs(): Predictor {
  const { Container } = require('@nlpjs/core') as { Container: new () => { use(plugin: unknown): void } };
  const { SentimentAnalyzer } = require('@nlpjs/sentiment') as { SentimentAnalyzer: new (o: { container: unknown }) => { process(input: { locale: string; text: string }): Promise<{ sentiment?: { score?: number } }> } };
  const container = new Container();
  container.use((require('@nlpjs/lang-en') as { LangEn: unknown }).LangEn);
  container.use((require('@nlpjs/lang-fr') as { LangFr: unknown }).LangFr);
  const analyzer = new SentimentAnalyzer({ container });
  return async (text, set) => {
    const out = await analyzer.process({ locale: set.lang === 'fr' ? 'fr' : 'en', text });
    const raw = out.sentiment?.score ?? 0;
    const score = Number.isFinite(raw) ? raw : 0;
    return { score, label: threeWay(score) };
  };
}

async function predictAll(predict: Predictor, set: LabelledSet): Promise<Prediction[]> {
  const out: Prediction[] = [];
  for (const e of set.examples) out.push(await predict(e.text, set));
  return out;
}

function args(): { json?: string; only?: string; sets: string[]; recipe: Recipe; abstain: number; sample: number } {
  const argv = process.argv.slice(2);
  const out: { json?: string; only?: string; sets: string[]; recipe: Recipe; abstain: number; sample: number } = { sets: [], recipe: 'named', abstain: 0.5, sample: 1500 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') out.json = argv[++i];
    else if (a === '--only') out.only = argv[++i];
    else if (a === '--set') out.sets.push(argv[++i] ?? '');
    else if (a === '--recipe') out.recipe = argv[++i] === 'hashed' ? 'hashed' : 'named';
    else if (a === '--abstain') out.abstain = Number(argv[++i]);
    else if (a === '--sample') out.sample = Number(argv[++i]);
    else throw new Error(`unknown option ${a}; use --json FILE, --only ecoute, --set NAME, --recipe hashed|named, --abstain P`);
  }
  return out;
}

function figure(set: LabelledSet, predictions: { score: number; label: Polarity }[]): number {
  const gold = set.examples.map((e) => e.label);
  return set.binary ? accuracy(gold, predictions.map((p) => bySign(p.score))) : macroF1(gold, predictions.map((p) => p.label));
}

const pct = (v: number, binary: boolean): string => (binary ? `${(v * 100).toFixed(1)} %` : v.toFixed(3));
const options = args();
// `--only targets`: the tone toward each brand and target alone (comparative sets, aspect-level
// sets), without the leave-one-set-out trainings: seconds instead of minutes.
if (options.only === 'targets') {
  const t = evaluateTargets(sentimentDataDir());
  process.stdout.write(`${t.markdown}\n`);
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify({ targets: t.figures }, null, 2)}\n`);
  process.exit(0);
}
const systems: [string, () => Predictor][] = [];
if (options.only !== 'ecoute') systems.push(['AFINN (sentiment)', afinn], ['wink-nlp', wink], ['VADER', vader], ['natural', natural], ['nlp.js', nlpjs]);
const predictors = systems.map(([name, make]) => [name, make()] as const);

const dir = sentimentDataDir();
/** Every k-th text, at most n of them (n 0: all). */
function sample(set: LabelledSet, n: number): LabelledSet {
  const total = set.examples.length;
  if (n <= 0 || total <= n) return set;
  const examples = Array.from({ length: n }, (_, i) => set.examples[Math.floor((i * total) / n)]!);
  return { ...set, examples };
}
const sets = listSets(dir).filter((s) => options.sets.length === 0 || options.sets.includes(s.name)).map((s) => sample(s, options.sample));
const started = Date.now();
// `--only baselines`: the public scorers alone (no training), e.g. to refresh their columns.
const baselinesOnly = options.only === 'baselines';
const loso = baselinesOnly ? { rows: [], scored: [] } : leaveOneSetOut(sets, defaultOptions(options.recipe), (line) => process.stderr.write(`${line}\n`));
const ours = new Map(loso.rows.map((r) => [r.set, r]));
const results: Record<string, unknown>[] = [];
const rows: string[] = [];
const names = [...(baselinesOnly ? [] : ['écoute (left out)']), ...predictors.map(([n]) => n)];
rows.push(`| set | lang | n | metric | ${names.join(' | ')} |`);
rows.push(`|---|---|---|---|${names.map(() => '---:').join('|')}|`);
const sums = new Array<number>(names.length).fill(0);
for (const set of sets) {
  const o = ours.get(set.name) ?? { figure: NaN, how: '', metric: set.binary ? 'accuracy' : 'macro-F1' };
  const figures = [...(baselinesOnly ? [] : [o.figure])];
  for (const [, predict] of predictors) figures.push(figure(set, await predictAll(predict, set)));
  figures.forEach((v, i) => (sums[i]! += v));
  results.push({ set: set.name, lang: set.lang, n: set.examples.length, metric: o.metric, how: o.how, figures: Object.fromEntries(names.map((n, i) => [n, figures[i]])) });
  const cells = figures.map((v, i) => (i === 0 && !baselinesOnly ? `**${pct(v, set.binary)}**` : pct(v, set.binary)));
  rows.push(`| ${set.name}${o.how === 'measure only' ? ' (measure only)' : ''} | ${set.lang} | ${set.examples.length} | ${o.metric} | ${cells.join(' | ')} |`);
}
const means = sums.map((s) => (100 * s) / Math.max(1, sets.length));
rows.push(`| **mean** (points) | | ${sets.length} sets | | ${means.map((m, i) => (i === 0 && !baselinesOnly ? `**${m.toFixed(1)}**` : m.toFixed(1))).join(' | ')} |`);
process.stdout.write(`Sentiment evaluation over ${dir} (recipe ${options.recipe}, at most ${options.sample || 'all'} texts a set, ${((Date.now() - started) / 1000).toFixed(0)} s)\n\n${rows.join('\n')}\n\n`);
process.stdout.write('écoute: leave-one-set-out (trained on every other trainable source; measure-only sets by the model trained on all of them). Binary sets: accuracy by the sign of the score (0 counts as wrong). 3-class sets: macro-F1 (écoute\'s "mixed" counts as neutral; VADER neutral band ±0.05, others 0). natural: French "pattern" lexicon + French stemmer on fr sets, AFINN on en sets. nlp.js: @nlpjs/sentiment with the set\'s language as locale, score cut at 0.\n\n');

if (baselinesOnly) process.exit(0);
// Calibration on the 3-class sets, left out (on binary sets a neutral label is wrong by
// construction). The confidence map is fitted on these out-of-source predictions; the figures
// below are nested: each source's confidences are mapped by a map fitted without that source.
const rawThree = loso.scored.filter((x) => !x.binary);
const rawRel = reliability(rawThree);
const threeClass = nestedCalibration(loso.scored).filter((x) => !x.binary);
const confidenceMap = fitOutOfSourceMap(loso.scored);
const rel = reliability(threeClass);
const relRows = ['| confidence | n | mean confidence | accuracy |', '|---|---:|---:|---:|'];
for (const b of rel.bins) if (b.n > 0) relRows.push(`| ${b.from.toFixed(1)}–${b.to.toFixed(1)} | ${b.n} | ${b.confidence.toFixed(3)} | ${b.accuracy.toFixed(3)} |`);
const kept = threeClass.filter((x) => x.sentiment.confidence >= options.abstain);
const keptOk = kept.filter((x) => (x.sentiment.label === 'mixed' ? 'neutral' : x.sentiment.label) === x.gold).length;
const allOk = threeClass.filter((x) => (x.sentiment.label === 'mixed' ? 'neutral' : x.sentiment.label) === x.gold).length;
const abstention = 1 - kept.length / Math.max(1, threeClass.length);
process.stdout.write(`Reliability of confidence (3-class sets, left out, ${threeClass.length} texts; confidence mapped by a map fitted on the other sources' left-out predictions)\n\n${relRows.join('\n')}\n\nECE ${rel.ece.toFixed(3)} (raw confidence, before the map: ${rawRel.ece.toFixed(3)}) · accuracy ${(allOk / Math.max(1, threeClass.length)).toFixed(3)} · abstaining below ${options.abstain}: ${(abstention * 100).toFixed(1)} % of texts, accuracy on the rest ${(keptOk / Math.max(1, kept.length)).toFixed(3)}\n`);
process.stdout.write(`Confidence map fitted on every left-out prediction (ship it with \`npm run train:sentiment -- --confidence-map <this --json file>\`): ${JSON.stringify(confidenceMap.kinds)}\n\n`);

const targets = evaluateTargets(dir);
process.stdout.write(`${targets.markdown}\n`);
if (options.json !== undefined) {
  writeFileSync(options.json, `${JSON.stringify({ data: dir, recipe: options.recipe, mean: means[0], results, ece: rel.ece, rawEce: rawRel.ece, reliability: rel.bins, abstention, confidenceMap, targets: targets.figures }, null, 2)}\n`);
  process.stdout.write(`wrote ${options.json}\n`);
}
