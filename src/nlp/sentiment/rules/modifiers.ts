// Words that change others: two-word modifiers ("a bit", "par contre"), contrast ("but",
// "mais") and boosters ("very", "très", "un peu").
import { AMBIGUOUS } from '../rule-words.js';
import { endScopes } from './scopes.js';
import type { RuleState, WordStep } from './state.js';
import { wordValence } from './text.js';

/** Words a booster reaches. */
const BOOSTER_SCOPE = 3;

function markContrast(s: RuleState, i: number): void {
  s.contrasts.push({ sentence: s.sentence, at: i, initial: s.wordsInSentence === 1 });
  endScopes(s);
}

/** "a bit", "un peu" boost; "par contre" contrasts. */
export const twoWordModifier: WordStep = (s, i) => {
  const next = s.tokens[i + 1];
  const lower = s.tokens[i]!.lower;
  if (next === undefined || next.kind !== 'word' || !s.rules.starts2.has(lower)) return undefined;
  const two = `${lower} ${next.lower}`;
  if (s.rules.contrast2.has(two)) {
    markContrast(s, i);
    return i + 1;
  }
  const b2 = s.rules.boosters2.get(two);
  if (b2 !== undefined) {
    s.boost = { start: i, left: BOOSTER_SCOPE, scalar: b2 };
    return i + 1;
  }
  return undefined;
};

/** "but", "mais": the clause after outweighs the one before (see tally.ts). */
export const contrast: WordStep = (s, i) => {
  if (!s.rules.contrast.has(s.tokens[i]!.lower)) return undefined;
  markContrast(s, i);
  return i;
};

/** Boosters multiply the next sentiment word; an ambiguous one ("great", "so") only when one follows. */
export const booster: WordStep = (s, i, lex) => {
  const lower = s.tokens[i]!.lower;
  const b = s.rules.boosters.get(lower);
  if (b === undefined) return undefined;
  const next = s.tokens[i + 1];
  const nextWord = next !== undefined && next.kind === 'word' ? next : undefined;
  const follows = nextWord !== undefined ? wordValence(nextWord, s.lang, lex) : undefined;
  const followsBooster = nextWord !== undefined && s.rules.boosters.has(nextWord.lower);
  if (!AMBIGUOUS.has(lower) || (follows !== undefined && follows !== 0) || followsBooster) {
    // Boosters stack: "really very good".
    const boost = s.boost;
    s.boost = boost !== undefined ? { start: boost.start, left: BOOSTER_SCOPE, scalar: boost.scalar * b } : { start: i, left: BOOSTER_SCOPE, scalar: b };
    return i;
  }
  return undefined;
};
