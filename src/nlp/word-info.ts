// What the analysis works out about a word once, for every later token of that word. Each step of
// analyze() used to keep its own cache keyed by the word (its lemma, whether it carries opinion,
// whether it is a content word, its valence, its folded forms): on a tweet that was eight or so
// hash-table probes a token, each in a table of its own, and those probes were about a fifth of
// analyze()'s time (perf20). The tokenizer now finds a word's WordInfo once, in one table, and the
// steps read and fill its fields.
//
// Only words whose forms do not depend on their neighbours get one: not English contractions ("'s"
// is "be" or a possessive), whose tokens keep `info` undefined and go through the steps' own
// caches, as does any token built elsewhere (tests, queries). A field holds what its step computed
// from the token's `lower` and `lemma` alone, so reading it gives what the step would compute.
import type { Lang } from '../core/types.js';
import { remember } from '../core/bounded-cache.js';

export interface WordInfo {
  /** The language whose tokenizer made it: a step asked about another language computes afresh. */
  readonly lang: Lang;
  /** The lower-cased word; tokens of the word share this one string. */
  readonly lower: string;
  /** Its index form (English lemma, French stem). */
  readonly lemma: string;
  /** isOpinionWord (sentiment/features.ts). */
  opinion?: boolean;
  /** isContent (terms.ts). */
  content?: boolean;
  /** The word as the sentiment model's features name it, and its feature names (sentiment/features.ts). */
  feature?: string;
  name?: string;
  negatedName?: string;
  /** Valence in the second-opinion lexicon, null for none (sentiment/features.ts). */
  second?: number | null;
  /** wordValence against `valenceLex` (sentiment/rules/text.ts), null for none. */
  valence?: number | null;
  valenceLex?: object;
  /** foldWord of the lemma and of the word (fields/matcher.ts). */
  foldedLemma?: string;
  foldedLower?: string;
  /** The entries of a word-list index that may start at this word, for the last two indexes asked (fields/matcher.ts). */
  matchIndexA?: object;
  matchA?: object;
  matchIndexB?: object;
  matchB?: object;
}

const tables = { en: new Map<string, WordInfo>(), fr: new Map<string, WordInfo>() };
/** Bounded: a stream of unique garbage words must not grow it forever. */
const TABLE_MAX = 100_000;

/** The WordInfo of a lower-cased word, made with `lemmaOf` the first time it is seen. */
export function wordInfo(lang: 'en' | 'fr', lower: string, lemmaOf: (lower: string) => string): WordInfo {
  const table = tables[lang];
  return table.get(lower) ?? remember(table, lower, newInfo(lang, lower, lemmaOf(lower)), TABLE_MAX);
}

/** The words whose WordInfo is held, in this process (the English ones are the words lemmatized). */
export function infoWords(lang: 'en' | 'fr'): string[] {
  return [...tables[lang].keys()];
}

/** The token's WordInfo when it was made by `lang`'s tokenizer (a step asked about another language computes afresh). */
export function infoFor(t: { info?: WordInfo }, lang: Lang): WordInfo | undefined {
  const info = t.info;
  return info !== undefined && info.lang === lang ? info : undefined;
}

/**
 * Every field present from the start, in one order: the steps fill them in whatever order the
 * words meet them, and objects that grew their fields in different orders would each have a
 * shape of their own, which makes every read of them slow.
 */
function newInfo(lang: Lang, lower: string, lemma: string): WordInfo {
  return {
    lang, lower, lemma,
    opinion: undefined, content: undefined, feature: undefined, name: undefined, negatedName: undefined,
    second: undefined, valence: undefined, valenceLex: undefined, foldedLemma: undefined, foldedLower: undefined,
    matchIndexA: undefined, matchA: undefined, matchIndexB: undefined, matchB: undefined,
  };
}
