// The last step at a word: its own valence, or (when no lexicon scores it) the scope it uses up.
import { closeNegAfterWord, push, tick } from './scopes.js';
import type { RuleState } from './state.js';
import type { LanguageLexicon } from '../../lexicon.js';
import { wordValence } from './text.js';

/** Sentiment words (and emoticons read as words: "xD"). Always consumes the word. */
export function sentimentWord(s: RuleState, i: number, lex: LanguageLexicon): number {
  const t = s.tokens[i]!;
  const v = wordValence(t, s.lang, lex) ?? s.lexicons.emoji.get(t.lower);
  if (v === undefined || v === 0) {
    tick(s, t);
    return i;
  }
  push(s, v, i, i + 1, true, t.lower);
  closeNegAfterWord(s);
  return i;
}
