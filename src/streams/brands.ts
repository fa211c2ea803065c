// Which brands a mention is about: each brand's boolean query (minus its exclude query) evaluated
// against the mention's words and lemmas, the same forms search uses.
import type { BrandConfig } from '../core/config/schema.js';
import { fold, foldedWords } from '../nlp/normalize.js';
import { compileMatcher } from '../store/query/match.js';
import { parseQuery } from '../store/query/parse.js';

export type BrandMatcher = (text: string, lemmas: readonly string[]) => string[];

export function brandMatcher(brands: readonly BrandConfig[]): BrandMatcher {
  const compiled = brands.map((brand) => ({
    id: brand.id,
    matches: compileMatcher(parseQuery(brand.query)),
    excluded: brand.exclude === undefined ? undefined : compileMatcher(parseQuery(brand.exclude)),
  }));
  return (text, lemmas) => {
    const doc = { words: foldedWords(text), lemmas: lemmas.map(fold) };
    return compiled.filter((b) => b.matches(doc) && !b.excluded?.(doc)).map((b) => b.id);
  };
}
