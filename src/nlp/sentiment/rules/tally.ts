// After the last token: contrast and exclamation marks weigh the contributions, then the sums
// and counts the model and decide() in sentiment.ts read.
import type { Contribution, RuleState } from './state.js';

/** VADER's normalisation of a sum to -1..1: x / sqrt(x² + ALPHA). */
const ALPHA = 15;
/** Before "but" / after "but", and the sentence before a sentence-initial "But". */
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;
/** Each "!" of a sentence (up to three) adds this share to its contributions. */
const PER_EXCLAMATION = 0.15;
const MAX_EXCLAMATIONS = 3;

/** What the lexicons and rules found in a text: the contributions and the counts the model reads. */
export interface RuleResult {
  contributions: Contribution[];
  /** Sum of the contributions, and its squashing to -1..1. */
  sum: number;
  textScore: number;
  positive: number;
  negative: number;
  maxPositive: number;
  maxNegative: number;
  /** Counts of word (or phrase) contributions by sign, and of emoji ones. */
  positiveWords: number;
  negativeWords: number;
  positiveEmoji: number;
  negativeEmoji: number;
  exclamations: number;
  questions: number;
  contrasts: number;
  negations: number;
  /** Words in capitals amid normal text. */
  capitals: number;
  words: number;
  /** Per token: inside a negation scope (the model's word features are marked "NOT_"). */
  negated: boolean[];
  /** Strong positive and negative drivers that balance each other. */
  mixed: boolean;
}

/** The clause after "but" outweighs the one before (the last "but" of a sentence counts). */
export function weighContrasts(s: RuleState): void {
  const lastContrast = new Map<number, { sentence: number; at: number; initial: boolean }>();
  for (const c of s.contrasts) lastContrast.set(c.sentence, c);
  for (const c of lastContrast.values()) {
    for (const k of s.contributions) {
      if (k.sentence === c.sentence) k.value *= k.at < c.at ? BEFORE_CONTRAST : AFTER_CONTRAST;
      else if (c.initial && k.sentence === c.sentence - 1) k.value *= BEFORE_CONTRAST;
    }
  }
}

/** Exclamation marks amplify their sentence. */
export function amplifyExclamations(s: RuleState): void {
  for (const k of s.contributions) {
    const marks = s.exclamations[k.sentence] ?? 0;
    if (marks > 0) k.value *= 1 + PER_EXCLAMATION * Math.min(marks, MAX_EXCLAMATIONS);
  }
}

/** The sums and counts over the (final) contributions. */
export function tally(s: RuleState): RuleResult {
  const { contributions, tokens } = s;
  let sum = 0;
  let positive = 0;
  let negative = 0;
  let maxPositive = 0;
  let maxNegative = 0;
  let positiveWords = 0;
  let negativeWords = 0;
  let positiveEmoji = 0;
  let negativeEmoji = 0;
  for (const c of contributions) {
    sum += c.value;
    const emoji = tokens[c.at]!.kind !== 'word';
    if (c.value > 0) {
      positive += c.value;
      maxPositive = Math.max(maxPositive, c.value);
      if (emoji) positiveEmoji++;
      else positiveWords++;
    } else {
      negative -= c.value;
      maxNegative = Math.max(maxNegative, -c.value);
      if (emoji) negativeEmoji++;
      else negativeWords++;
    }
  }
  const textScore = sum / Math.sqrt(sum * sum + ALPHA);
  const majority = Math.max(positive, negative);
  const minority = Math.min(positive, negative);
  const balance = majority > 0 ? minority / majority : 0;
  let marks = 0;
  for (const e of s.exclamations) marks += e;
  return {
    contributions, sum, textScore, positive, negative, maxPositive, maxNegative,
    positiveWords, negativeWords, positiveEmoji, negativeEmoji,
    exclamations: marks, questions: s.questions, contrasts: s.contrasts.length, negations: s.negations,
    capitals: s.capitals, words: s.words,
    negated: s.negated,
    mixed: maxPositive >= 1.2 && maxNegative >= 1.2 && balance >= 0.5 && Math.abs(textScore) < 0.4,
  };
}
