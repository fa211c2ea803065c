// npm run train:sentiment — trains the shipped sentiment model (config/models/sentiment.json) on
// every labelled set of ../shared/data/sentiment/ (or $ECOUTE_SENTIMENT_DATA) whose terms allow
// commercial use: all but the measure-only ones (MEASURE_ONLY in src/nlp/sentiment/train.ts:
// airline_tweets, financial_phrasebank). Short texts made from the lexicons are added. The figures
// that judge it come from `npm run eval:sentiment`'s leave-one-set-out table, not from these sets.
// Deterministic: the same data and code give the same file, byte for byte.
// Model card: config/models/MODEL_CARD.md.
//
//   --recipe named|hashed  (default named, the shipped model; hashed: issue 16's fastText-style
//                          model, shipped once the leave-one-set-out table shows it ahead)
//   --exclude NAME         leave a set out (repeatable), e.g. --exclude allocine_tv_train
//   --l2 X · --dense-l2 M · --bits B · --max-iter N   (see defaultOptions in train.ts)
//   --share S · --alpha A · --neutral-bias B · --unsure U   the named recipe's mix (MixOptions)
//   --confidence-map FILE  an `npm run eval:sentiment -- --json FILE` output: its confidence map,
//                          fitted on the leave-one-set-out predictions, ships with the model
//   --out FILE             where to write (default config/models/sentiment.json)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EcouteError } from '../src/core/errors.js';
import { packageRoot } from '../src/nlp/resources.js';
import { parseConfidenceMap, type ConfidenceMap } from '../src/nlp/sentiment/confidence.js';
import { listSets, sentimentDataDir } from '../src/nlp/sentiment/dataset.js';
import { defaultOptions, featurize, fitModel, lexiconItems, MEASURE_ONLY, type Recipe } from '../src/nlp/sentiment/train.js';

const argv = process.argv.slice(2);
const recipeAt = argv.indexOf('--recipe');
const recipe = (recipeAt >= 0 ? argv[recipeAt + 1] : 'named') as Recipe;
if (recipe !== 'hashed' && recipe !== 'named') throw new EcouteError('CONFIG_INVALID', `--recipe: hashed or named, got ${String(recipe)}`);
const o = defaultOptions(recipe);
const exclude: string[] = [];
let confidence: ConfidenceMap | undefined;
let confidenceFrom: string | undefined;
let out = join(packageRoot(), 'config', 'models', 'sentiment.json');
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const v = argv[++i];
  if (v === undefined) throw new EcouteError('CONFIG_INVALID', `${a}: missing value`);
  if (a === '--recipe') continue;
  else if (a === '--exclude') exclude.push(v);
  else if (a === '--l2') o.l2 = Number(v);
  else if (a === '--dense-l2') o.denseL2 = Number(v);
  else if (a === '--bits') o.bits = Number(v);
  else if (a === '--max-iter') o.maxIter = Number(v);
  else if (a === '--share') o.mix.share = Number(v);
  else if (a === '--alpha') o.mix.alpha = Number(v);
  else if (a === '--neutral-bias') o.mix.neutralBias = Number(v);
  else if (a === '--unsure') o.mix.unsure = Number(v);
  else if (a === '--confidence-map') {
    const evalJson = JSON.parse(readFileSync(v, 'utf8')) as { recipe?: string; confidenceMap?: unknown; mean?: number; ece?: number };
    if (evalJson.recipe !== recipe) throw new EcouteError('CONFIG_INVALID', `--confidence-map ${v}: fitted for recipe ${String(evalJson.recipe)}, training ${recipe}`);
    confidence = parseConfidenceMap(evalJson.confidenceMap);
    if (confidence === undefined) throw new EcouteError('CONFIG_INVALID', `--confidence-map ${v}: no confidenceMap in it (an eval:sentiment --json output)`);
    confidence.fitted = { from: 'leave-one-set-out predictions of npm run eval:sentiment', looMean: evalJson.mean, nestedEce: evalJson.ece };
    confidenceFrom = v;
  } else if (a === '--out') out = v;
  else throw new EcouteError('CONFIG_INVALID', `unknown option ${a}`);
}
const started = Date.now();
const sets = listSets(sentimentDataDir()).filter((s) => !MEASURE_ONLY.has(s.name) && !exclude.includes(s.name));
if (sets.length === 0) throw new EcouteError('SENTIMENT_DATA_MISSING', 'no labelled set to learn from');
const items = [...sets.flatMap((s) => featurize(s, o.bits)), ...lexiconItems(o.bits)];
const file = fitModel(items, o);
if (confidence !== undefined) file.confidence = confidence;
file.meta = { ...file.meta, recipe, trainedOn: sets.map((s) => ({ set: s.name, lang: s.lang, examples: s.examples.length })), lexiconTexts: items.filter((it) => it.set === '(lexicons)').length, ...(confidenceFrom !== undefined && { confidenceMapFrom: 'npm run eval:sentiment -- --json (leave-one-set-out predictions)' }), card: 'config/models/MODEL_CARD.md' };
const text = `${JSON.stringify(file)}\n`;
writeFileSync(out, text);
process.stdout.write(`trained (${recipe}) on ${sets.map((s) => `${s.name} (${s.examples.length})`).join(', ')}: ${(text.length / 1024 / 1024).toFixed(2)} MB in ${((Date.now() - started) / 1000).toFixed(0)} s → ${out}\n`);
