// npm run bench:nlp — analyze() throughput on one core, against wink-nlp's own readDoc +
// sentiment on the same texts. Prints one JSON line.
//
// Texts come from the shared labelled data (../shared/data/sentiment/, or $ECOUTE_SENTIMENT_DATA):
//  - tweet-length: en umsab_en_* and vader_tweets; fr umsab_fr_*;
//  - review-length: fr allocine_tv_* (whole user reviews); en: five consecutive UCI review
//    sentences (amazon, yelp, imdb) joined into one text, as there is no English set of whole
//    reviews.
// analyze() gets no language hint (detection is part of the cost). wink-nlp runs with its English
// model on every text alike, as shipped (`winkNLP(model)`, its default pipeline: the ratio is
// against this) and cut to the smallest pipeline its.sentiment needs (sbd, negation, sentiment:
// `wink_minimal_docs_per_s`, for reference).
// Each figure is the best of 3 timed rounds of at least BENCH_MS (default 1000) ms, after a warm-up.
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import winkNLP from 'wink-nlp';
import { analyze } from '../src/nlp/analyze.js';
import { listSets, sentimentDataDir } from '../src/nlp/sentiment/dataset.js';

const require = createRequire(import.meta.url);
const ROUND_MS = Number(process.env.BENCH_MS ?? 1000);
const TWEET_TARGET = 5000;
const RATIO_TARGET = 0.5;

const sets = listSets(sentimentDataDir());
const textsOf = (names: string[]): string[] => sets.filter((s) => names.includes(s.name)).flatMap((s) => s.examples.map((e) => e.text));
const joined = (texts: string[], n: number): string[] => {
  const out: string[] = [];
  for (let i = 0; i + n <= texts.length; i += n) out.push(texts.slice(i, i + n).join(' '));
  return out;
};

const corpora: Record<string, string[]> = {
  en_tweet: textsOf(['umsab_en_train', 'umsab_en_val', 'vader_tweets']),
  fr_tweet: textsOf(['umsab_fr_train', 'umsab_fr_val']),
  en_review: [...joined(textsOf(['uci_amazon']), 5), ...joined(textsOf(['uci_yelp']), 5), ...joined(textsOf(['uci_imdb']), 5)],
  fr_review: textsOf(['allocine_tv_train', 'allocine_tv_dev']),
};

function docsPerSecond(texts: readonly string[], fn: (text: string) => unknown): number {
  // Warm-up: loads models and lexicons, lets the JIT settle.
  for (let i = 0; i < Math.min(texts.length, 300); i++) fn(texts[i]!);
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < ROUND_MS) {
      for (let k = 0; k < 50; k++) fn(texts[n++ % texts.length]!);
      elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    }
    best = Math.max(best, (n * 1000) / elapsed);
  }
  return Math.round(best);
}

const model = require('wink-eng-lite-web-model');
const nlp = winkNLP(model);
const wink = (text: string): number => nlp.readDoc(text).out(nlp.its.sentiment) as unknown as number;
const minimal = winkNLP(model, ['sbd', 'negation', 'sentiment']);
const winkMinimal = (text: string): number => minimal.readDoc(text).out(minimal.its.sentiment) as unknown as number;

const result: Record<string, unknown> = { bench: 'nlp' };
const analyzeFigures: Record<string, number> = {};
const winkFigures: Record<string, number> = {};
const winkMinimalFigures: Record<string, number> = {};
const ratio: Record<string, number> = {};
const words: Record<string, number> = {};
for (const [name, texts] of Object.entries(corpora)) {
  words[name] = Math.round(texts.reduce((s, t) => s + t.split(/\s+/).length, 0) / texts.length);
  analyzeFigures[name] = docsPerSecond(texts, (t) => analyze(t));
  winkFigures[name] = docsPerSecond(texts, wink);
  winkMinimalFigures[name] = docsPerSecond(texts, winkMinimal);
  ratio[name] = Math.round((analyzeFigures[name] / winkFigures[name]) * 100) / 100;
}
Object.assign(result, {
  analyze_docs_per_s: analyzeFigures,
  wink_docs_per_s: winkFigures,
  ratio,
  wink_minimal_docs_per_s: winkMinimalFigures,
  mean_words: words,
  texts: Object.fromEntries(Object.entries(corpora).map(([k, v]) => [k, v.length])),
  targets: { tweet_docs_per_s: TWEET_TARGET, ratio: RATIO_TARGET },
  met: analyzeFigures.en_tweet! >= TWEET_TARGET && analyzeFigures.fr_tweet! >= TWEET_TARGET && Object.values(ratio).every((r) => r >= RATIO_TARGET),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores_used: 1, node: process.version },
});
process.stdout.write(`${JSON.stringify(result)}\n`);
