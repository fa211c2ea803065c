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
// Options: --json FILE, --only ecoute (skip the baselines), --set NAME (repeatable).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import winkNLP from 'wink-nlp';
import { analyze } from '../src/nlp/analyze.js';
import { accuracy, bySign, listSets, macroF1, sentimentDataDir, type LabelledSet, type Polarity } from '../src/nlp/sentiment/dataset.js';

const require = createRequire(import.meta.url);

type Predictor = (text: string, set: LabelledSet) => { score: number; label: Polarity };

function threeWay(score: number, band = 0): Polarity {
  return score > band ? 'positive' : score < -band ? 'negative' : 'neutral';
}

function ecoute(): Predictor {
  return (text, set) => {
    const s = analyze(text, { lang: set.lang }).sentiment;
    return { score: s.score, label: s.label === 'mixed' ? 'neutral' : s.label };
  };
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

/** Issue 4's targets: the figure to reach on a set. */
const TARGETS: Record<string, number> = {
  uci_amazon: 0.88, uci_yelp: 0.88, uci_imdb: 0.88, umsab_en_val: 0.62, vader_tweets: 0.7, allocine_tv_dev: 0.9, umsab_fr_val: 0.62,
};

function args(): { json?: string; only?: string; sets: string[] } {
  const argv = process.argv.slice(2);
  const out: { json?: string; only?: string; sets: string[] } = { sets: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') out.json = argv[++i];
    else if (a === '--only') out.only = argv[++i];
    else if (a === '--set') out.sets.push(argv[++i] ?? '');
    else throw new Error(`unknown option ${a}; use --json FILE, --only ecoute, --set NAME`);
  }
  return out;
}

function figure(set: LabelledSet, predictions: { score: number; label: Polarity }[]): number {
  const gold = set.examples.map((e) => e.label);
  return set.binary ? accuracy(gold, predictions.map((p) => bySign(p.score))) : macroF1(gold, predictions.map((p) => p.label));
}

const options = args();
const systems: [string, () => Predictor][] = [['écoute', ecoute]];
if (options.only !== 'ecoute') systems.push(['AFINN (sentiment)', afinn], ['wink-nlp', wink], ['VADER', vader], ['natural', natural]);
const predictors = systems.map(([name, make]) => [name, make()] as const);

const dir = sentimentDataDir();
const sets = listSets(dir).filter((s) => options.sets.length === 0 || options.sets.includes(s.name));
const results: Record<string, unknown>[] = [];
const rows: string[] = [];
rows.push(`| set | lang | n | metric | ${predictors.map(([n]) => n).join(' | ')} | target |`);
rows.push(`|---|---|---|---|${predictors.map(() => '---:').join('|')}|---:|`);
for (const set of sets) {
  const figures: Record<string, number | null> = {};
  for (const [name, predict] of predictors) {
    if (name === 'écoute' && set.train) {
      figures[name] = null;
      continue;
    }
    figures[name] = figure(set, set.examples.map((e) => predict(e.text, set)));
  }
  const metric = set.binary ? 'accuracy' : 'macro-F1';
  const target = TARGETS[set.name];
  const baselines = Object.entries(figures).filter(([n, v]) => n !== 'écoute' && v !== null).map(([, v]) => v as number);
  const ours = figures['écoute'];
  const met = target === undefined || ours === null || ours === undefined ? undefined : ours >= target && baselines.every((b) => ours > b);
  results.push({ set: set.name, lang: set.lang, n: set.examples.length, metric, train: set.train, figures, ...(target !== undefined && { target, met }) });
  const cells = predictors.map(([name]) => {
    const v = figures[name];
    if (v === null || v === undefined) return '(train)';
    const text = set.binary ? `${(v * 100).toFixed(1)} %` : v.toFixed(3);
    return name === 'écoute' ? `**${text}**` : text;
  });
  const targetText = target === undefined ? '' : `${set.binary ? `≥ ${target * 100} %` : `≥ ${target.toFixed(2)}`}${met === undefined ? '' : met ? ' ✓' : ' ✗'}`;
  rows.push(`| ${set.name} | ${set.lang} | ${set.examples.length} | ${metric} | ${cells.join(' | ')} | ${targetText} |`);
}
process.stdout.write(`Sentiment evaluation over ${dir}\n\n${rows.join('\n')}\n\n`);
process.stdout.write('Binary sets: accuracy by the sign of the score (0 counts as wrong). 3-class sets: macro-F1 (écoute\'s "mixed" counts as neutral; VADER neutral band ±0.05, others 0). natural: French "pattern" lexicon + French stemmer on fr sets, AFINN on en sets. écoute is not scored on *_train sets.\n');
if (options.json !== undefined) {
  writeFileSync(options.json, `${JSON.stringify({ data: dir, results }, null, 2)}\n`);
  process.stdout.write(`wrote ${options.json}\n`);
}
