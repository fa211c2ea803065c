// In-memory evaluation of a query against one analysed text: the analyze stage uses it to decide
// which brands a mention is about. Same semantics as the store translators: a term matches the
// folded word in the text or one of its indexed forms (termForms) in the lemmas; a phrase matches
// consecutive folded words of the text.
import type { AnalyzedMention } from '../core/types.js';
import { fold, foldedWords } from '../nlp/normalize.js';
import type { QueryField, QueryNode } from './ast.js';
import { indexedForms } from './forms.js';

export interface MatchFields {
  lang?: string;
  source?: string;
  brands?: readonly string[];
  sentiment?: string;
}

export interface MatchDoc {
  /** Folded word tokens of the text (foldedWords of title + text). */
  words: readonly string[];
  /** analysis.lemmas (accents kept or not: they are folded here). */
  lemmas: readonly string[];
  /** Values for field nodes (`lang:fr`); a field node whose value is absent does not match. */
  fields?: MatchFields;
}

export type Matcher = (doc: MatchDoc) => boolean;

/**
 * A stored mention as the stores search it: the words of title + text, its lemmas and every field
 * a query may name (lang is analysis.lang, as indexed). What the stores must agree with.
 */
export function mentionMatchDoc(m: AnalyzedMention): MatchDoc {
  return {
    words: foldedWords(m.title ? `${m.title} ${m.text}` : m.text),
    lemmas: m.analysis.lemmas,
    fields: { lang: m.analysis.lang, source: m.source, brands: m.brands, sentiment: m.analysis.sentiment.label },
  };
}

/** What the matcher needs of a doc, computed once per doc and shared by every compiled query. */
interface Prepared {
  words: readonly string[];
  wordSet: Set<string>;
  lemmaWords: string[];
  lemmaSet: Set<string>;
}
const prepared = new WeakMap<MatchDoc, Prepared>();

function prepare(doc: MatchDoc): Prepared {
  let p = prepared.get(doc);
  if (!p) {
    // The store tokenizes the space-joined lemmas like text; do the same so both agree.
    const lemmaWords = foldedWords(doc.lemmas.join(' '));
    p = { words: doc.words, wordSet: new Set(doc.words), lemmaWords, lemmaSet: new Set(lemmaWords) };
    prepared.set(doc, p);
  }
  return p;
}

function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let k = 0; k < needle.length; k++) if (haystack[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

/** Compiles a query once (term forms are computed here, not per document). */
export function compileMatcher(node: QueryNode): Matcher {
  const test = compile(node);
  return (doc) => test(prepare(doc), doc.fields);
}

type Test = (doc: Prepared, fields: MatchFields | undefined) => boolean;

function compile(node: QueryNode): Test {
  switch (node.type) {
    case 'all':
      return () => true;
    case 'term': {
      const word = fold(node.word);
      const forms = indexedForms(node.word).map((f) => f.split(' '));
      const single = new Set(forms.filter((w) => w.length === 1).map((w) => w[0]!));
      const multi = forms.filter((w) => w.length > 1);
      return (doc) => {
        if (doc.wordSet.has(word)) return true;
        for (const f of single) if (doc.lemmaSet.has(f)) return true;
        return multi.some((w) => containsSequence(doc.lemmaWords, w));
      };
    }
    case 'phrase': {
      const words = node.words.flatMap((w) => foldedWords(w));
      if (words.length === 1) {
        const only = words[0]!;
        return (doc) => doc.wordSet.has(only);
      }
      return (doc) => containsSequence(doc.words, words);
    }
    case 'and': {
      const tests = node.children.map(compile);
      return (doc, fields) => tests.every((t) => t(doc, fields));
    }
    case 'or': {
      const tests = node.children.map(compile);
      return (doc, fields) => tests.some((t) => t(doc, fields));
    }
    case 'not': {
      const inner = compile(node.child);
      return (doc, fields) => !inner(doc, fields);
    }
    case 'field':
      return fieldTest(node.field, node.value);
  }
}

function fieldTest(field: QueryField, value: string): Test {
  switch (field) {
    case 'lang':
      return (_, f) => f?.lang !== undefined && fold(f.lang) === value;
    case 'sentiment':
      return (_, f) => f?.sentiment === value;
    case 'source':
      return (_, f) => f?.source === value;
    case 'brand':
      return (_, f) => f?.brands?.includes(value) ?? false;
  }
}
