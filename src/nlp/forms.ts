// The indexed forms of a single query word: what `analyze()` would put in `lemmas` for that word in
// each language. The store and brand matching search these, so "deliveries" finds "delivery" and
// "livraison" finds "Livraisons" without the user knowing the mention's language.
import type { Lang } from '../core/types.js';
import { fold } from './normalize.js';
import { englishWordLemma, stemFrench } from './tokenize.js';

/** The English lemma of one word, folded: the form analyze() gives that word in any sentence. */
export function englishLemma(word: string): string {
  const lower = word.trim().toLowerCase();
  return fold(lower === '' ? word : englishWordLemma(lower));
}

/** The French stem of one word, folded (the stemmer needs the accents, so fold after). */
export function frenchStem(word: string): string {
  return fold(stemFrench(word.toLowerCase()));
}

/** Distinct indexed forms of `word` in the given languages, folded. */
export function termForms(word: string, languages: readonly Lang[] = ['en', 'fr']): string[] {
  const forms = new Set<string>();
  for (const lang of languages) {
    if (lang === 'en') forms.add(englishLemma(word));
    else if (lang === 'fr') forms.add(frenchStem(word));
  }
  return [...forms].filter((f) => f.length > 0);
}
