// The lexicon-and-rules pass of the sentiment (see ../../sentiment.ts for what the rules do and
// how their result meets the model). One state object (state.ts) goes through the tokens; at each
// token the steps below are tried in order and the first that applies consumes it (and maybe the
// next ones). The order is the rules' precedence: a two-word modifier before a phrase, a phrase
// before its words, negation before boosters, boosters before sentiment words.
import type { Lang } from '../../../core/types.js';
import type { LanguageLexicon } from '../../lexicon.js';
import type { Token } from '../../tokenize.js';
import { tooMuch, wait } from './complaints.js';
import { booster, contrast, twoWordModifier } from './modifiers.js';
import {
  englishCounterfactual, englishExclamative, englishFactive, englishFarFrom, englishLittle, englishNegator,
  englishNotOnly, frenchBareNegator, frenchCounterfactual, frenchFarFrom, frenchNe, frenchNeParticle,
  frenchNeQue, frenchNewSubject, lack,
} from './negation.js';
import { phrase } from './phrases.js';
import { closeNeg, tick } from './scopes.js';
import { sentimentWord } from './sentiment-word.js';
import { readEmoji, readMark, readPunctuation, startSentence } from './signs.js';
import { createState, type RuleState, type WordStep } from './state.js';
import { amplifyExclamations, tally, weighContrasts, type RuleResult } from './tally.js';

export type { Contribution } from './state.js';
export type { RuleResult } from './tally.js';

/** The steps at an English word, before its own valence (sentimentWord). */
const ENGLISH_STEPS: readonly WordStep[] = [
  twoWordModifier, phrase, contrast,
  englishNotOnly, englishFarFrom, englishCounterfactual, englishNegator,
  lack, englishLittle, englishFactive, englishExclamative,
  tooMuch, wait, booster,
];

/** The steps at a French word, before its own valence (sentimentWord). */
const FRENCH_STEPS: readonly WordStep[] = [
  twoWordModifier, phrase, contrast,
  frenchNewSubject, frenchNe, frenchNeQue, frenchNeParticle, frenchBareNegator, frenchFarFrom, frenchCounterfactual,
  lack,
  tooMuch, wait, booster,
];

/**
 * Lexicons and rules over tokenized text. `lang` 'other' only scores emoji and emoticons.
 */
export function ruleSentiment(tokens: readonly Token[], lang: Lang): RuleResult {
  const s = createState(tokens, lang);
  for (let i = 0; i < tokens.length; i++) i = readToken(s, i);
  closeNeg(s);
  weighContrasts(s);
  amplifyExclamations(s);
  return tally(s);
}

/** Reads the token at `i`: the index of the last token consumed. */
function readToken(s: RuleState, i: number): number {
  const t = s.tokens[i]!;
  if (t.kind === 'punct') {
    readPunctuation(s, t);
    return i;
  }
  if (s.closing) startSentence(s);
  if (t.kind === 'emoji' || t.kind === 'emoticon' || t.kind === 'symbol') {
    readEmoji(s, i);
    return i;
  }
  if (t.kind === 'number') {
    const end = readMark(s, i);
    if (end !== undefined) return end;
  }
  if (t.kind !== 'word') {
    tick(s, t);
    return i;
  }
  if (s.lex === undefined) return i;
  return readWord(s, i, s.lex);
}

function readWord(s: RuleState, i: number, lex: LanguageLexicon): number {
  s.wordsInSentence++;
  if (s.neg !== undefined) s.negated[i] = true;
  const steps = s.lang === 'fr' ? FRENCH_STEPS : ENGLISH_STEPS;
  for (const step of steps) {
    const end = step(s, i, lex);
    if (end !== undefined) return end;
  }
  return sentimentWord(s, i, lex);
}
