// What the sentiment model reads of a text: sparse word and word-pair features, and dense features
// summarizing what the lexicons and rules found. Training (scripts/train-sentiment.ts) and
// inference share this one function, so the model sees at run time exactly what it learned from.
//
//  - words that carry opinion in one of the lexicons (see isOpinionWord): the English lemma or
//    the French stem without accents ("déçue" → "decu"), prefixed by the language ("en:", "fr:");
//    inside a negation scope (as the rules draw it: "not", "never",
//    "ne … pas", bare "pas", "jamais", "sans"...) the word is marked "NOT_" ("en:NOT_good");
//  - word pairs: two adjacent words of the same clause, one of them an opinion word or a negator
//    ("en:not_worth", "fr:pas_terrible");
//  - emoji and emoticons, shared by the languages ("e:😡");
//  - dense: the rule score, the sums and counts of positive and negative words and emoji,
//    question marks, contrast, negation, no lexicon hit, length, and the sums of
//    a second-opinion lexicon (VADER for English, Pattern for French). Each
//    twice: shared by the languages ("d:rule") and per language ("en:d:rule"), so what the model
//    learns on French reviews also informs English ones, and each language can still differ.
// Exclamation marks reach the model only through the rule score, which they amplify either way:
// as a feature of their own, the model learns from the training tweets that "!" is a positive cue,
// and "terrible service!!!" would come out softer than "terrible service".
// Sparse features are present or absent, scaled by count^-1/4 so that a long review does not
// outweigh a tweet by its length alone (chosen by cross-validation on the training sets).
import type { Lang } from '../../core/types.js';
import { frenchValence, getLexicons, getSecondaryLexicons } from '../lexicon.js';
import { fold, foldWord } from '../normalize.js';
import type { RuleResult } from './rules/index.js';
import type { Token } from '../tokenize.js';
import { infoFor } from '../word-info.js';

export interface Features {
  names: string[];
  values: number[];
}

/** The form a word takes in the features. */
export function featureWord(t: Token, lang: Lang): string {
  const base = t.lemma || t.lower;
  return lang === 'fr' ? foldWord(base) : base;
}

const NEGATORS = new Set([
  'not', 'no', 'never', 'without', 'nothing', 'nobody', 'none', 'neither', 'nor', 'cannot', 'hardly', 'barely',
  'ne', 'pas', 'jamais', 'rien', 'aucun', 'aucune', 'sans', 'ni', 'personne', 'plus',
]);

/**
 * Whether a word carries opinion in one of the lexicons (ours, AFINN, VADER, the French VADER and
 * Pattern lexicons). Only such words, and the word pairs holding one or a negator, become sparse
 * features: the training tweets are about events and people of their day ("saturday", "obama"),
 * and a model that learned those would not carry over to other topics, products and brands.
 * Kept on the word's WordInfo; a token without one (a contraction) is looked up afresh.
 */
export function isOpinionWord(t: Token, lang: Lang): boolean {
  if (lang !== 'en' && lang !== 'fr') return false;
  const info = infoFor(t, lang);
  return info === undefined ? opinionOf(t, lang) : (info.opinion ??= opinionOf(t, lang));
}

function opinionOf(t: Token, lang: 'en' | 'fr'): boolean {
  const lex = getLexicons();
  const second = getSecondaryLexicons();
  if (lang === 'en') {
    return !!(lex.en.words.get(t.lower) || lex.en.words.get(t.lemma) || second.en.get(t.lower) || second.en.get(t.lemma) || lex.emoji.get(t.lower));
  }
  return !!(frenchValence(lex.fr, t.lower) || second.fr.get(t.lower) || second.fr.get(fold(t.lower)) || lex.emoji.get(t.lower));
}

/** Names of the dense features, in a fixed order. */
export const DENSE = [
  'rule', 'pos', 'neg', 'npos', 'nneg', 'epos', 'eneg', 'quest', 'contrast', 'negation', 'nohit', 'len',
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
    const info = infoFor(t, lang);
    let v: number | null | undefined = info?.second;
    if (v === undefined) {
      v = lex.get(t.lower) ?? (lang === 'en' ? lex.get(t.lemma) : undefined) ?? null;
      if (info !== undefined) info.second = v;
    }
    if (v === null) continue;
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
    Math.min(rules.questions, 3) / 3,
    rules.contrasts > 0 ? 1 : 0,
    Math.min(rules.negations, 3) / 3,
    hits === 0 ? 1 : 0,
    Math.log1p(rules.words) / 5,
    Math.log1p(xpos) / 2,
    Math.log1p(xneg) / 2,
  ];
}

export function sentimentFeatures(tokens: readonly Token[], lang: Lang, rules: RuleResult): Features {
  const sparse = new Set<string>();
  const prefix = `${lang}:`;
  let previous: string | undefined;
  let previousKeeps = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'word') {
      const info = infoFor(t, lang);
      const w = info === undefined ? featureWord(t, lang) : (info.feature ??= featureWord(t, lang));
      if (w === '') continue;
      const opinion = isOpinionWord(t, lang);
      const keeps = opinion || NEGATORS.has(t.key) || NEGATORS.has(t.lower);
      if (opinion) {
        if (info === undefined) sparse.add(rules.negated[i] ? `${prefix}NOT_${w}` : prefix + w);
        else sparse.add(rules.negated[i] ? (info.negatedName ??= `${prefix}NOT_${w}`) : (info.name ??= prefix + w));
      }
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
  const scale = sparse.size === 0 ? 0 : 1 / Math.sqrt(Math.sqrt(sparse.size));
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
