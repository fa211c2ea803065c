// What the sentiment model reads of a text: sparse word and word-pair features, and dense features
// summarizing what the lexicons and rules found. Training (scripts/train-sentiment.ts) and
// inference share this one function, so the model sees at run time exactly what it learned from.
//
//  - words: the English lemma or the French stem without accents ("déçue" → "decu"), prefixed by
//    the language ("en:", "fr:"); inside a negation scope (as the rules draw it: "not", "never",
//    "ne … pas", bare "pas", "jamais", "sans"...) the word is marked "NOT_" ("en:NOT_good");
//  - word pairs: two adjacent words of the same clause ("en:customer_service", "fr:pas_terrible");
//  - emoji and emoticons, shared by the languages ("e:😡");
//  - dense: the rule score, the sums and counts of positive and negative words and emoji,
//    exclamation and question marks, contrast, negation, capitals, no lexicon hit, length. Each
//    twice: shared by the languages ("d:rule") and per language ("en:d:rule"), so what the model
//    learns on French reviews also informs English ones, and each language can still differ.
// Sparse features are present or absent, scaled by 1/sqrt(count) so that a long review and a
// tweet weigh alike.
import type { Lang } from '../../core/types.js';
import { frenchValence, getLexicons, getSecondaryLexicons } from '../lexicon.js';
import { fold } from '../normalize.js';
import type { RuleResult } from '../sentiment.js';
import type { Token } from '../tokenize.js';

export interface Features {
  names: string[];
  values: number[];
}

const foldCache = new Map<string, string>();

function foldCached(word: string): string {
  let f = foldCache.get(word);
  if (f === undefined) {
    f = fold(word);
    if (foldCache.size >= 50_000) foldCache.clear();
    foldCache.set(word, f);
  }
  return f;
}

/** The form a word takes in the features. */
export function featureWord(t: Token, lang: Lang): string {
  const base = t.lemma || t.lower;
  return lang === 'fr' ? foldCached(base) : base;
}

const NEGATORS = new Set([
  'not', 'no', 'never', 'without', 'nothing', 'nobody', 'none', 'neither', 'nor', 'cannot', 'hardly', 'barely',
  'ne', 'pas', 'jamais', 'rien', 'aucun', 'aucune', 'sans', 'ni', 'personne', 'plus',
]);

const opinionCache = new Map<string, boolean>();

/**
 * Whether a word carries opinion in one of the lexicons (ours, AFINN, VADER, the French VADER and
 * Pattern lexicons). Only such words, and the word pairs holding one or a negator, become sparse
 * features: the training tweets are about events and people of their day ("saturday", "obama"),
 * and a model that learned those would not carry over to other topics, products and brands.
 */
export function isOpinionWord(t: Token, lang: Lang): boolean {
  const cacheKey = `${lang}:${t.lower}:${t.lemma}`;
  let v = opinionCache.get(cacheKey);
  if (v !== undefined) return v;
  const lex = getLexicons();
  const second = getSecondaryLexicons();
  if (lang === 'en') {
    v = !!(lex.en.words.get(t.lower) || lex.en.words.get(t.lemma) || second.en.get(t.lower) || second.en.get(t.lemma) || lex.emoji.get(t.lower));
  } else if (lang === 'fr') {
    v = !!(frenchValence(lex.fr, t.lower) || second.fr.get(t.lower) || second.fr.get(fold(t.lower)) || lex.emoji.get(t.lower));
  } else {
    v = false;
  }
  if (opinionCache.size >= 100_000) opinionCache.clear();
  opinionCache.set(cacheKey, v);
  return v;
}

/** Names of the dense features, in a fixed order. */
export const DENSE = [
  'rule', 'pos', 'neg', 'npos', 'nneg', 'epos', 'eneg', 'excl', 'quest', 'contrast', 'negation', 'caps', 'nohit', 'len',
  'xpos', 'xneg',
] as const;

/** Positive and negative sums of the second-opinion lexicon, negation flipped and dampened. */
function secondOpinion(tokens: readonly Token[], lang: Lang, rules: RuleResult): [number, number] {
  const lexicons = getSecondaryLexicons();
  const lex = lang === 'en' ? lexicons.en : lang === 'fr' ? lexicons.fr : undefined;
  let pos = 0;
  let neg = 0;
  if (lex === undefined) return [0, 0];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'word') continue;
    let v = lex.get(t.lower) ?? (lang === 'en' ? lex.get(t.lemma) : undefined);
    if (v === undefined) continue;
    if (rules.negated[i]) v *= -0.74;
    if (v > 0) pos += v;
    else neg -= v;
  }
  return [pos, neg];
}

export function denseValues(rules: RuleResult, tokens: readonly Token[] = [], lang: Lang = 'other'): number[] {
  const hits = rules.contributions.length;
  const [xpos, xneg] = secondOpinion(tokens, lang, rules);
  return [
    rules.textScore,
    Math.log1p(rules.positive) / 2,
    Math.log1p(rules.negative) / 2,
    Math.log1p(rules.positiveWords) / 2,
    Math.log1p(rules.negativeWords) / 2,
    Math.min(rules.positiveEmoji, 3) / 3,
    Math.min(rules.negativeEmoji, 3) / 3,
    Math.min(rules.exclamations, 3) / 3,
    Math.min(rules.questions, 3) / 3,
    rules.contrasts > 0 ? 1 : 0,
    Math.min(rules.negations, 3) / 3,
    Math.min(rules.capitals, 3) / 3,
    hits === 0 ? 1 : 0,
    Math.log1p(rules.words) / 5,
    Math.log1p(xpos) / 2,
    Math.log1p(xneg) / 2,
  ];
}

export function sentimentFeatures(tokens: readonly Token[], lang: Lang, rules: RuleResult): Features {
  const sparse = new Set<string>();
  const prefix = `${lang}:`;
  const all = process.env.ECOUTE_FEAT_VOCAB === 'all';
  let previous: string | undefined;
  let previousKeeps = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'word') {
      const w = featureWord(t, lang);
      if (w === '') continue;
      const opinion = all || isOpinionWord(t, lang);
      const keeps = opinion || NEGATORS.has(t.key) || NEGATORS.has(t.lower);
      if (opinion) sparse.add(rules.negated[i] ? `${prefix}NOT_${w}` : prefix + w);
      if (previous !== undefined && (keeps || previousKeeps)) sparse.add(`${prefix}${previous}_${w}`);
      previous = w;
      previousKeeps = keeps;
    } else if (t.kind === 'emoji' || t.kind === 'emoticon') {
      sparse.add(`e:${t.lower}`);
      previous = undefined;
    } else if (t.kind === 'punct') {
      previous = undefined;
    }
  }
  const names: string[] = [];
  const values: number[] = [];
  const mode = process.env.ECOUTE_FEAT_SCALE ?? 'sqrt';
  const scale = sparse.size === 0 ? 0 : mode === 'binary' ? 1 : mode === 'quarter' ? 1 / Math.sqrt(Math.sqrt(sparse.size)) : 1 / Math.sqrt(sparse.size);
  for (const name of sparse) {
    names.push(name);
    values.push(scale);
  }
  const dense = denseValues(rules, tokens, lang);
  for (let d = 0; d < DENSE.length; d++) {
    const v = dense[d]!;
    if (v === 0) continue;
    names.push(`d:${DENSE[d]}`, `${prefix}d:${DENSE[d]}`);
    values.push(v, v);
  }
  return { names, values };
}
