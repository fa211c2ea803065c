// The indexed forms of a single query word: what `analyze()` would put in `lemmas` for that word in
// each language. The store and brand matching search these, so "deliveries" finds "delivery" and
// "livraison" finds "Livraisons" without the user knowing the mention's language.
import type { Lang } from '../core/types.js';
import { fold } from './normalize.js';
import { englishNlp, stemFrench } from './tokenize.js';

/** The English lemma of one word, folded. */
export function englishLemma(word: string): string {
  // The same wink instance (and pipeline) as analyze(), so a query word and the text agree.
  const nlp = englishNlp();
  // wink's typings do not accept its.lemma (an add-on of the model) where they accept other its.*.
  const lemmas = nlp.readDoc(word).tokens().out(nlp.its.lemma as never) as string[];
  return fold(lemmas.length === 1 && lemmas[0] ? lemmas[0] : word);
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
