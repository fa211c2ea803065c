// In-memory evaluation of a query against one analysed text: the analyze stage uses it to decide
// which brands a mention is about. Same semantics as the store translators: a term matches the
// folded word in the text or one of its indexed forms (indexedForms: lemma, stem and derivational
// family) in the lemmas; a phrase matches consecutive folded words of the text; a proximity is
// counted on the lemma tokens.
import type { AnalyzedMention } from '../core/types.js';
import { fold, foldedWords } from '../nlp/normalize.js';
import { QUERY_FLAGS, type QueryFlag, type QueryNode, type ValueField } from './ast.js';
import { indexedForms, lemmaAlternatives, phrasePositions } from './forms.js';
import { sitesOf } from './site.js';

export interface MatchFields {
  lang?: string;
  source?: string;
  brands?: readonly string[];
  sentiment?: string;
  /** authorKey, and the handle (author.name) when handles are kept. */
  authorKey?: string;
  authorHandle?: string;
  title?: string;
  url?: string;
  /** Stored rating, 0..1. */
  rating?: number;
  /** publishedAt as epoch ms. */
  publishedMs?: number;
  /** Names of the semantic fields present (hits > 0). */
  semanticFields?: readonly string[];
  flags?: Partial<Record<(typeof QUERY_FLAGS)[QueryFlag], boolean>>;
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
    fields: mentionMatchFields(m),
  };
}

/** Every field a query may name, of a stored mention. */
export function mentionMatchFields(m: AnalyzedMention): MatchFields {
  const fields: MatchFields = {
    lang: m.analysis.lang,
    source: m.source,
    brands: m.brands,
    sentiment: m.analysis.sentiment.label,
    authorKey: m.authorKey,
    publishedMs: Date.parse(m.publishedAt),
    semanticFields: Object.entries(m.analysis.fields ?? {})
      .filter(([, hit]) => (hit?.hits ?? 0) > 0)
      .map(([name]) => name.toLowerCase()),
  };
  if (m.author?.name !== undefined) fields.authorHandle = m.author.name;
  if (m.title !== undefined) fields.title = m.title;
  if (m.url !== undefined) fields.url = m.url;
  if (typeof m.rating === 'number') fields.rating = m.rating;
  if (m.analysis.flags) fields.flags = m.analysis.flags;
  return fields;
}

/** The folded form an `author:` handle is compared on (a leading @ is not part of it). */
export function foldHandle(handle: string): string {
  return fold(handle.trim().replace(/^@/, ''));
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

/** Where a proximity side matches: [first token, last token] spans over the lemma tokens. */
type Span = [number, number];
type Spans = (doc: Prepared) => Span[];

/** Spans of `alternatives` (token sequences) at each position of `tokens`. */
function sequenceSpans(tokens: readonly string[], alternatives: readonly (readonly string[])[]): Span[] {
  const out: Span[] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (const seq of alternatives) {
      if (seq.length === 0 || i + seq.length > tokens.length) continue;
      let k = 0;
      while (k < seq.length && tokens[i + k] === seq[k]) k++;
      if (k === seq.length) out.push([i, i + seq.length - 1]);
    }
  }
  return out;
}

/**
 * Spans of a proximity side, counted on the lemma tokens (analysis.lemmas tokenized like text:
 * what the FTS `lemmas` column and ecoute.lemma_text index with positions), so "deliveries NEAR/3
 * late" finds "the delivery was late": a word matches its folded self or one of its indexed forms
 * (lemmaAlternatives, the derivational family included), a wildcard any lemma token starting with
 * it, a phrase consecutive tokens holding each word's own lemma or stem (phrasePositions).
 */
function spans(node: QueryNode): Spans {
  switch (node.type) {
    case 'term': {
      const alternatives = lemmaAlternatives(node.word);
      return (doc) => sequenceSpans(doc.lemmaWords, alternatives);
    }
    case 'prefix': {
      const prefix = node.prefix;
      return (doc) => doc.lemmaWords.flatMap((w, i): Span[] => (w.startsWith(prefix) ? [[i, i]] : []));
    }
    case 'phrase': {
      const positions = phrasePositions(node.words, node.written).map((alts) => new Set(alts));
      return (doc) => {
        const out: Span[] = [];
        const tokens = doc.lemmaWords;
        if (positions.length === 0) return out;
        outer: for (let i = 0; i + positions.length <= tokens.length; i++) {
          for (let k = 0; k < positions.length; k++) if (!positions[k]!.has(tokens[i + k]!)) continue outer;
          out.push([i, i + positions.length - 1]);
        }
        return out;
      };
    }
    case 'or': {
      const parts = node.children.map(spans);
      return (doc) => parts.flatMap((p) => p(doc));
    }
    case 'near': {
      const [left, right] = node.children.map(spans) as [Spans, Spans];
      const { distance, ordered } = node;
      return (doc) => {
        const out: Span[] = [];
        const rs = right(doc);
        for (const a of left(doc)) {
          for (const b of rs) {
            // Tokens between the two sides; overlapping sides do not count as near each other.
            if (a[1] < b[0]) {
              if (b[0] - a[1] - 1 <= distance) out.push([a[0], b[1]]);
            } else if (!ordered && b[1] < a[0]) {
              if (a[0] - b[1] - 1 <= distance) out.push([b[0], a[1]]);
            }
          }
        }
        return out;
      };
    }
    default:
      // The parser only builds proximities of the kinds above.
      return () => [];
  }
}

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
    case 'prefix': {
      const prefix = node.prefix;
      return (doc) => doc.words.some((w) => w.startsWith(prefix)) || doc.lemmaWords.some((w) => w.startsWith(prefix));
    }
    case 'near': {
      const found = spans(node);
      return (doc) => found(doc).length > 0;
    }
    case 'title': {
      const words = node.words;
      return (_, f) => f?.title !== undefined && containsSequence(foldedWords(f.title), words);
    }
    case 'range': {
      const { min = -Infinity, max = Infinity } = node;
      if (node.field === 'rating') return (_, f) => f?.rating !== undefined && f.rating >= min && f.rating <= max;
      return (_, f) => f?.publishedMs !== undefined && f.publishedMs >= min && f.publishedMs < max;
    }
    case 'field':
      return fieldTest(node.field, node.value);
  }
}

function fieldTest(field: ValueField, value: string): Test {
  switch (field) {
    case 'author': {
      const handle = foldHandle(value);
      return (_, f) => f?.authorKey === value || (f?.authorHandle !== undefined && foldHandle(f.authorHandle) === handle);
    }
    case 'site':
      return (_, f) => sitesOf(f?.url).includes(value);
    case 'field':
      return (_, f) => f?.semanticFields?.includes(value) ?? false;
    case 'flag': {
      const key = QUERY_FLAGS[value as QueryFlag];
      return (_, f) => f?.flags?.[key] === true;
    }
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
