// Phrases win over their words: "does not work", "pas terrible", "waste of money".
import { phraseKey, type Phrase } from '../../lexicon.js';
import { PHRASE_NEGATORS } from '../rule-words.js';
import { closeNeg, push } from './scopes.js';
import type { WordStep } from './state.js';
import { joinKeys } from './text.js';

/** The longest phrase starting at a word: the key grows word by word while some phrase starts with it. */
export const phrase: WordStep = (s, i, lex) => {
  const { tokens } = s;
  const t = tokens[i]!;
  if (!lex.phraseStarts.has(phraseKey(t))) return undefined;
  let key = phraseKey(t);
  let found: Phrase | undefined;
  let n = 0;
  for (let k = 1; k < lex.maxPhraseLength && i + k < tokens.length; k++) {
    const u = tokens[i + k]!;
    if (u.kind !== 'word' && u.kind !== 'number') break;
    key += ' ' + phraseKey(u);
    const p = lex.phrases.get(key);
    if (p !== undefined) {
      found = p;
      n = k + 1;
    }
    if (!lex.phrasePrefixes.has(key)) break;
  }
  if (found === undefined) return undefined;
  if (found.valence !== 0) push(s, found.valence, i, i + n, !found.negated, joinKeys(tokens, i, n));
  if (found.negated) {
    closeNeg(s);
    // The words after the phrase's own negation are negated for the model ("not good").
    let after = false;
    for (let k = 0; k < n; k++) {
      if (after) s.negated[i + k] = true;
      else if (PHRASE_NEGATORS.has(tokens[i + k]!.key) || PHRASE_NEGATORS.has(tokens[i + k]!.lower)) after = true;
    }
  } else if (s.neg !== undefined) {
    for (let k = 1; k < n; k++) s.negated[i + k] = true;
  }
  return i + n - 1;
};
