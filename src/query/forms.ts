// The indexed forms of a query word, shared by the matcher and the store translators so that brand
// matching and search agree on what a word finds.
import { familyForms, termForms } from '../nlp/forms.js';
import { fold, foldedWords } from '../nlp/normalize.js';
import { remember } from '../core/bounded-cache.js';

const cache = new Map<string, string[]>();

/**
 * Folded indexed forms of a word: its own lemma and stem and those of its derivational family
 * (familyForms), tokenized like the indexed text (each form is its tokens joined by one space).
 * Cached, because lemmatizing costs far more than a lookup.
 */
export function indexedForms(word: string): string[] {
  let forms = cache.get(word);
  if (!forms) {
    const set = new Set<string>();
    for (const f of familyForms(word)) {
      const words = foldedWords(f);
      if (words.length > 0) set.add(words.join(' '));
    }
    forms = remember(cache, word, [...set], 10_000);
  }
  return forms;
}

/**
 * What a word of a proximity matches at a position of the lemma tokens (analysis.lemmas, tokenized
 * like text: the matcher's lemma words, the FTS5 `lemmas` column, Elasticsearch's
 * ecoute.lemma_text): its folded self (a language without lemmas indexes words as written) and its
 * indexed forms. Each alternative is a sequence of tokens, most of them one token long.
 */
export function lemmaAlternatives(word: string): string[][] {
  const out = new Map<string, string[]>();
  const self = foldedWords(fold(word));
  if (self.length > 0) out.set(self.join(' '), self);
  for (const form of indexedForms(word)) out.set(form, form.split(' '));
  return [...out.values()];
}

/**
 * What each word of a phrase inside a proximity matches at its position of the lemma tokens: the
 * folded word and its own lemma and stem (no derivational family: a phrase is exact), computed on
 * the word as written when the query kept it (the French stemmer needs the accents). Forms that
 * are not one token are left out, as they would not fill one position.
 */
export function phrasePositions(words: readonly string[], written?: readonly string[]): string[][] {
  return words.map((w, k) => {
    const set = new Set<string>([w]);
    for (const form of termForms(written?.[k] ?? w)) {
      const tokens = foldedWords(form);
      if (tokens.length === 1) set.add(tokens[0]!);
    }
    return [...set];
  });
}
