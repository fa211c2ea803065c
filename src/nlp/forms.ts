// The indexed forms of a single query word: what `analyze()` would put in `lemmas` for that word in
// each language, and the forms derived from it (derivations.ts). The store and brand matching
// search these, so "deliveries" finds "delivery", "delivered" finds "the delivery" and "livraison"
// finds "Livraisons" and "livré", without the user knowing the mention's language.
import type { Lang } from '../core/types.js';
import { derivedForms } from './derivations.js';
import { fold } from './normalize.js';
import { isStopWord } from './terms.js';
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

/** At most this many forms per query word: its own and its family's. */
export const FAMILY_MAX_FORMS = 12;

/**
 * termForms of `word` and the forms of its derivational family in each language (one step:
 * "delivered" → "deliver" → "delivery", "deliverer", "deliverance"; never the family of
 * "delivery" in turn). A stop word has no family. The languages' families alternate, so both
 * are kept when the bound cuts.
 */
export function familyForms(word: string, languages: readonly Lang[] = ['en', 'fr']): string[] {
  const lower = word.trim().toLowerCase();
  const forms = new Set(termForms(word, languages));
  const families: (readonly string[])[] = [];
  for (const lang of languages) {
    if (lang !== 'en' && lang !== 'fr') continue;
    const own = lang === 'en' ? englishLemma(word) : frenchStem(word);
    if (own === '' || isStopWord(lang, lower, own) || isStopWord(lang, fold(lower), own)) continue;
    families.push(derivedForms(lang, own));
  }
  for (let rank = 0; forms.size < FAMILY_MAX_FORMS && families.some((f) => rank < f.length); rank++) {
    for (const family of families) {
      const form = family[rank];
      if (form !== undefined && forms.size < FAMILY_MAX_FORMS) forms.add(form);
    }
  }
  return [...forms];
}
