// The indexed forms of a single query word: what `analyze()` would put in `lemmas` for that word in
// each language. The store and brand matching search these, so "deliveries" finds "delivery" and
// "livraison" finds "Livraisons" without the user knowing the mention's language.
import { createRequire } from 'node:module';
import winkNLP from 'wink-nlp';
import type { Lang } from '../core/types.js';
import { fold } from './normalize.js';

const require = createRequire(import.meta.url);
// natural is CommonJS; requiring it directly keeps its optional storage back-ends out.
const natural = require('natural') as typeof import('natural');
const model = require('wink-eng-lite-web-model');

let englishNlp: ReturnType<typeof winkNLP> | undefined;
function english(): ReturnType<typeof winkNLP> {
  englishNlp ??= winkNLP(model);
  return englishNlp;
}

/** The English lemma of one word, folded. */
export function englishLemma(word: string): string {
  const nlp = english();
  // wink's typings do not accept its.lemma (an add-on of the model) where they accept other its.*.
  const lemmas = nlp.readDoc(word).tokens().out(nlp.its.lemma as never) as string[];
  return fold(lemmas.length === 1 && lemmas[0] ? lemmas[0] : word);
}

/** The French stem of one word, folded (the stemmer needs the accents, so fold after). */
export function frenchStem(word: string): string {
  return fold(natural.PorterStemmerFr.stem(word.toLowerCase()));
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
