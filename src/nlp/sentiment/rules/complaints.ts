// Reviews complain without opinion words: "too many", "trop long", "we waited 40 minutes"
// (the patterns themselves: ../patterns.ts).
import { EN_TOO_MUCH_OF, EN_TOO_NOT_BEFORE, FR_TOO_NEGATIVE } from '../rule-words.js';
import { waitAt } from '../patterns.js';
import { closeNegAfterWord, push } from './scopes.js';
import type { WordStep } from './state.js';
import { wordValence } from './text.js';

/** "too many", "trop long". */
const TOO_VALENCE = -1.2;

/**
 * "too many close ups", "trop long", "trop de pub": too much of something is a complaint (before a
 * sentiment word, "too" and "trop" only intensify it: "too good", "trop bien", left to the boosters).
 */
export const tooMuch: WordStep = (s, i, lex) => {
  const { tokens, lang } = s;
  const lower = tokens[i]!.lower;
  const next = tokens[i + 1];
  if (next === undefined || next.kind !== 'word' || !((lang === 'en' && lower === 'too') || (lang === 'fr' && lower === 'trop'))) return undefined;
  const follows = wordValence(next, lang, lex);
  const plain = follows === undefined || follows === 0;
  const last = s.contributions[s.contributions.length - 1];
  // "I liked it way too much." intensifies the liking.
  const liking = next.lower === 'much' && tokens[i + 2]?.kind !== 'word' && last !== undefined && last.sentence === s.sentence && last.value > 0;
  const complaint = !liking && (lang === 'en'
    ? (plain && !s.rules.boosters.has(next.lower) && !EN_TOO_NOT_BEFORE.has(next.lower)) || EN_TOO_MUCH_OF.has(next.lower)
    : plain && FR_TOO_NEGATIVE.has(next.lower));
  if (!complaint) return undefined;
  const of = lang === 'fr' && next.key === 'de' && tokens[i + 2]?.kind === 'word';
  const end = of ? i + 3 : i + 2;
  push(s, TOO_VALENCE, i, end, true, lower);
  closeNegAfterWord(s);
  return end - 1;
};

/** "we waited 40 minutes", "j'attends depuis 3 semaines". */
export const wait: WordStep = (s, i) => {
  const found = waitAt(s.tokens, i, s.lang);
  if (found === undefined) return undefined;
  push(s, found.value, i, found.end, true, s.tokens[i]!.lower);
  closeNegAfterWord(s);
  return found.end - 1;
};
