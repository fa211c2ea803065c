// The indexed forms of a query word, shared by the matcher and the store translators so that brand
// matching and search agree on what a word finds.
import { termForms } from '../nlp/forms.js';
import { foldedWords } from '../nlp/normalize.js';
import { remember } from '../core/bounded-cache.js';

const cache = new Map<string, string[]>();

/**
 * Folded indexed forms of a word (termForms, tokenized like the indexed text: each form is its
 * tokens joined by one space). Cached, because lemmatizing costs far more than a lookup.
 */
export function indexedForms(word: string): string[] {
  let forms = cache.get(word);
  if (!forms) {
    const set = new Set<string>();
    for (const f of termForms(word)) {
      const words = foldedWords(f);
      if (words.length > 0) set.add(words.join(' '));
    }
    forms = remember(cache, word, [...set], 10_000);
  }
  return forms;
}
