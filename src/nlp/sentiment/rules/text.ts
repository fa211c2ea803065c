// Small helpers over tokens shared by the steps.
import type { Lang } from '../../../core/types.js';
import { frenchValence, phraseKey, type LanguageLexicon } from '../../lexicon.js';
import type { Token } from '../../tokenize.js';
import { derivedValence } from '../morphology.js';
import { infoFor } from '../../word-info.js';

/** Valence of a word (undefined when no lexicon scores it); decides whether an ambiguous booster boosts. */
export function wordValence(t: Token, lang: Lang, lex: LanguageLexicon): number | undefined {
  if (t.kind !== 'word') return undefined;
  // "like" is a sentiment verb, not a preposition ("looks like a toy").
  if (lang === 'en' && (t.lower === 'like' || t.lower === 'likes' || t.lower === 'liked') && t.pos !== undefined && t.pos !== 'VERB') return 0;
  const info = infoFor(t, lang);
  if (info === undefined) return valenceOf(t, lang, lex);
  if (info.valenceLex !== lex) {
    info.valence = valenceOf(t, lang, lex) ?? null;
    info.valenceLex = lex;
  }
  return info.valence ?? undefined;
}

/** The lexicons' valence of a word, out of context. */
function valenceOf(t: Token, lang: Lang, lex: LanguageLexicon): number | undefined {
  if (lang === 'en') return lex.words.get(t.lower) ?? lex.words.get(t.lemma) ?? derivedValence(lex, lang, t.lower);
  return frenchValence(lex, t.lower) ?? derivedValence(lex, lang, t.lower);
}

/** The phrase key of tokens i … i+n-1 (the head of a phrase's contribution). */
export function joinKeys(tokens: readonly Token[], i: number, n: number): string {
  let key = phraseKey(tokens[i]!);
  for (let k = 1; k < n; k++) key += ' ' + phraseKey(tokens[i + k]!);
  return key;
}

/** Tokens from … to-1 as quoted in a driver: lower-cased, punctuation left out. */
export function joinTokens(tokens: readonly Token[], from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct') continue;
    s += (s !== '' && t.space ? ' ' : '') + t.lower;
  }
  return s;
}

export function isSentenceEnd(text: string): boolean {
  return /[.!?…\n]/.test(text);
}
