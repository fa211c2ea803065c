// The lexicon-and-rules pass of the sentiment (see ../../sentiment.ts for what the rules do and
// how their result meets the model). One state object (state.ts) goes through the tokens; at each
// word the steps below are tried in order and the first that applies consumes it (and maybe the
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
import { createState, type RuleState } from './state.js';
import { amplifyExclamations, tally, weighContrasts, type RuleResult } from './tally.js';

export type { Contribution } from './state.js';
export type { RuleResult } from './tally.js';

/**
 * An English word: the first step that applies consumes it, so the order is the rules'
 * precedence. (A chain rather than a loop over a list: the calls stay direct, the loop stays fast.)
 */
function englishWord(s: RuleState, i: number, lex: LanguageLexicon): number {
  return (
    twoWordModifier(s, i, lex) ?? phrase(s, i, lex) ?? contrast(s, i, lex) ??
    englishNotOnly(s, i, lex) ?? englishFarFrom(s, i, lex) ?? englishCounterfactual(s, i, lex) ?? englishNegator(s, i, lex) ??
    lack(s, i, lex) ?? englishLittle(s, i, lex) ?? englishFactive(s, i, lex) ?? englishExclamative(s, i, lex) ??
    tooMuch(s, i, lex) ?? wait(s, i, lex) ?? booster(s, i, lex) ??
    sentimentWord(s, i, lex)
  );
}

/** A French word, likewise. */
function frenchWord(s: RuleState, i: number, lex: LanguageLexicon): number {
  return (
    twoWordModifier(s, i, lex) ?? phrase(s, i, lex) ?? contrast(s, i, lex) ??
    frenchNewSubject(s, i, lex) ?? frenchNe(s, i, lex) ?? frenchNeQue(s, i, lex) ?? frenchNeParticle(s, i, lex) ??
    frenchBareNegator(s, i, lex) ?? frenchFarFrom(s, i, lex) ?? frenchCounterfactual(s, i, lex) ??
    lack(s, i, lex) ??
    tooMuch(s, i, lex) ?? wait(s, i, lex) ?? booster(s, i, lex) ??
    sentimentWord(s, i, lex)
  );
}

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
  return s.lang === 'fr' ? frenchWord(s, i, lex) : englishWord(s, i, lex);
}
