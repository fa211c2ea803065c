// AST → Elasticsearch query DSL (core queries only: bool, match_phrase, term, terms, match_all,
// match_none), with the same meaning as the matcher and the SQLite translator.
//
// The store indexes, besides the mention itself (src/store/elasticsearch/schema.ts):
// - `ecoute.text`: title + text as folded words (foldedWords, space-joined) under the `whitespace`
//   analyzer, so its tokens are exactly the words the matcher and FTS5 see. The `standard` analyzer
//   would keep "l'appli" and "don't" whole and would not fold accents, and the core-only build has
//   no asciifolding filter: the folding happens in our code, at index and at query time.
// - `ecoute.lemmas`: folded lemma tokens (keyword).
// - `ecoute.lemma_text`: the same lemma tokens in text order, with positions (whitespace analyzer).
// A term searches its folded form in `ecoute.text` and its indexed forms (indexedForms: lemma, stem,
// derivational family) in `ecoute.lemmas`; a phrase searches consecutive words of `ecoute.text`;
// fields are exact `term`s.
//
// Scoring: only text clauses score. Field clauses and negations go to filter / must_not context, and
// an OR branch that has no positive text is wrapped in a filter, so it matches with score 0 instead of
// outranking real text matches.
//
// Safety: user text only ever becomes a query *value* (match_phrase text, term value), never a field
// name or a query-string syntax, so nothing in it is interpreted.
//
// The query language's own additions (issue 11): a wildcard is a `prefix` on ecoute.text and
// ecoute.lemmas; a proximity is an `intervals` query on ecoute.lemma_text (positions of the lemma
// tokens, as the matcher and FTS5 count them): `all_of` with `max_gaps` = n (ordered for ONEAR),
// sides `match`, `prefix`, `any_of`; title: is a phrase on ecoute.title, site: and author: terms on the derived
// keywords, field: a range on the semantic field's hits, flag: a term on analysis.flags.*.
import type { estypes } from '@elastic/elasticsearch';
import { foldedWords } from '../../nlp/normalize.js';
import { QUERY_FLAGS, type QueryFlag, type QueryNode, type ValueField } from '../ast.js';
import { indexedForms, lemmaAlternatives, phrasePositions } from '../forms.js';
import { foldHandle } from '../match.js';

export type EsQuery = estypes.QueryDslQueryContainer;

/** Names of the indexed fields the generated DSL refers to. */
export interface ElasticsearchNames {
  /** Folded words of title + text (whitespace analyzer, positions). */
  text: string;
  /** Folded lemma tokens (keyword). */
  lemmas: string;
  /** analysis.lemmas as folded tokens in text order (whitespace analyzer, positions): proximity. */
  lemmaText: string;
  lang: string;
  source: string;
  brand: string;
  sentiment: string;
  title: string;
  sites: string;
  author: string;
  authorKey: string;
  rating: string;
  publishedMs: string;
  /** Prefix of the semantic fields' objects (`<prefix>.<name>.hits`). */
  semanticFields: string;
  /** Prefix of the flags (`<prefix>.question`). */
  flags: string;
}

export const DEFAULT_ELASTICSEARCH_NAMES: ElasticsearchNames = {
  text: 'ecoute.text',
  lemmas: 'ecoute.lemmas',
  lemmaText: 'ecoute.lemma_text',
  lang: 'analysis.lang',
  source: 'source',
  brand: 'brands',
  sentiment: 'analysis.sentiment.label',
  title: 'ecoute.title',
  sites: 'ecoute.sites',
  author: 'ecoute.author',
  authorKey: 'authorKey',
  rating: 'rating',
  publishedMs: 'ecoute.published_at',
  semanticFields: 'analysis.fields',
  flags: 'analysis.flags',
};

export const MATCH_ALL: EsQuery = { match_all: {} };
export const MATCH_NONE: EsQuery = { match_none: {} };

/**
 * Whether the query has a positive text part to score (a term or phrase not under a NOT). Without
 * one (empty, field-only or negative query), relevance order falls back to newest first.
 */
export function isScored(node: QueryNode): boolean {
  switch (node.type) {
    case 'term':
    case 'phrase':
    case 'prefix':
    case 'near':
      return true;
    case 'and':
    case 'or':
      return node.children.some(isScored);
    default:
      return false;
  }
}

/** DSL of one term: its folded word in the text, or one of its indexed forms in the lemmas. */
export function termQuery(word: string, names: ElasticsearchNames = DEFAULT_ELASTICSEARCH_NAMES): EsQuery {
  const should: EsQuery[] = [];
  const words = foldedWords(word);
  if (words.length > 0) should.push({ match_phrase: { [names.text]: words.join(' ') } });
  const forms = indexedForms(word).map((f) => f.split(' '));
  const single = forms.filter((t) => t.length === 1).map((t) => t[0]!);
  if (single.length > 0) should.push({ terms: { [names.lemmas]: single } });
  for (const tokens of forms) {
    // A form of several tokens (practically never: forms come from one word) needs all its tokens
    // among the lemmas; keywords have no positions, so unlike FTS5 their order is not checked.
    if (tokens.length > 1) should.push({ bool: { filter: tokens.map((t) => ({ term: { [names.lemmas]: t } })) } });
  }
  if (should.length === 0) return MATCH_NONE;
  return should.length === 1 ? should[0]! : { bool: { should, minimum_should_match: 1 } };
}

/** DSL of a phrase: consecutive folded words of the text. */
export function phraseQuery(words: readonly string[], names: ElasticsearchNames = DEFAULT_ELASTICSEARCH_NAMES): EsQuery {
  const folded = words.flatMap((w) => foldedWords(w));
  if (folded.length === 0) return MATCH_NONE;
  return { match_phrase: { [names.text]: folded.join(' ') } };
}

export function fieldQuery(field: ValueField, value: string, names: ElasticsearchNames = DEFAULT_ELASTICSEARCH_NAMES): EsQuery {
  switch (field) {
    case 'author':
      return { bool: { should: [{ term: { [names.authorKey]: value } }, { term: { [names.author]: foldHandle(value) } }], minimum_should_match: 1 } };
    case 'site':
      return { term: { [names.sites]: value } };
    case 'field':
      // The name was checked by the parser (letters, digits, _ and -): it is safe in a field path.
      return { range: { [`${names.semanticFields}.${value}.hits`]: { gt: 0 } } };
    case 'flag':
      return { term: { [`${names.flags}.${QUERY_FLAGS[value as QueryFlag]}`]: true } };
    default:
      return { term: { [names[field]]: value } };
  }
}

/** One rule of several alternatives (any_of), or the only one. */
function anyOf(rules: estypes.QueryDslIntervalsContainer[]): estypes.QueryDslIntervalsContainer {
  return rules.length === 1 ? rules[0]! : { any_of: { intervals: rules } };
}

/** An intervals rule matching `tokens` at consecutive positions. */
function sequenceRule(tokens: readonly string[]): estypes.QueryDslIntervalsContainer {
  return { match: { query: tokens.join(' '), ordered: true, max_gaps: 0 } };
}

/**
 * The intervals rule of a proximity side, on the positions of ecoute.lemma_text's lemma tokens (as
 * the matcher counts them): a word any of its lemmaAlternatives, a wildcard a prefix, a phrase its
 * positions in order (phrasePositions).
 */
function intervalsRule(node: QueryNode): estypes.QueryDslIntervalsContainer {
  switch (node.type) {
    case 'term':
      return anyOf(lemmaAlternatives(node.word).map(sequenceRule));
    case 'prefix':
      return { prefix: { prefix: node.prefix } };
    case 'phrase': {
      const positions = phrasePositions(node.words, node.written);
      if (positions.every((alts) => alts.length === 1)) return sequenceRule(positions.map((alts) => alts[0]!));
      const rules = positions.map((alts) => anyOf(alts.map((a) => sequenceRule([a]))));
      return rules.length === 1 ? rules[0]! : { all_of: { intervals: rules, ordered: true, max_gaps: 0 } };
    }
    case 'or':
      return { any_of: { intervals: node.children.map(intervalsRule) } };
    case 'near':
      return { all_of: { intervals: node.children.map(intervalsRule), ordered: node.ordered, max_gaps: node.distance } };
    default:
      // The parser builds no other proximity side.
      return { match: { query: '\u0000', max_gaps: 0 } };
  }
}

/** The query as Elasticsearch DSL. */
export function compileElasticsearch(node: QueryNode, names: ElasticsearchNames = DEFAULT_ELASTICSEARCH_NAMES): EsQuery {
  switch (node.type) {
    case 'all':
      return MATCH_ALL;
    case 'term':
      return termQuery(node.word, names);
    case 'phrase':
      return phraseQuery(node.words, names);
    case 'field':
      return fieldQuery(node.field, node.value, names);
    case 'prefix':
      return {
        bool: { should: [{ prefix: { [names.text]: node.prefix } }, { prefix: { [names.lemmas]: node.prefix } }], minimum_should_match: 1 },
      };
    case 'near':
      return { intervals: { [names.lemmaText]: intervalsRule(node) } };
    case 'title':
      return { match_phrase: { [names.title]: node.words.join(' ') } };
    case 'range': {
      const range: estypes.QueryDslNumberRangeQuery = {};
      if (node.min !== undefined) range.gte = node.min;
      if (node.max !== undefined) {
        if (node.field === 'rating') range.lte = node.max;
        else range.lt = node.max;
      }
      return { range: { [node.field === 'rating' ? names.rating : names.publishedMs]: range } };
    }
    case 'not':
      return { bool: { must_not: [compileElasticsearch(node.child, names)] } };
    case 'and': {
      const must: EsQuery[] = [];
      const filter: EsQuery[] = [];
      const mustNot: EsQuery[] = [];
      for (const child of node.children) {
        if (child.type === 'all') continue;
        if (child.type === 'not') mustNot.push(compileElasticsearch(child.child, names));
        else if (isScored(child)) must.push(compileElasticsearch(child, names));
        else filter.push(compileElasticsearch(child, names));
      }
      if (must.length + filter.length + mustNot.length === 0) return MATCH_ALL;
      if (must.length === 1 && filter.length === 0 && mustNot.length === 0) return must[0]!;
      const bool: estypes.QueryDslBoolQuery = {};
      if (must.length > 0) bool.must = must;
      if (filter.length > 0) bool.filter = filter;
      if (mustNot.length > 0) bool.must_not = mustNot;
      return { bool };
    }
    case 'or': {
      if (node.children.some((c) => c.type === 'all')) return MATCH_ALL;
      const should = node.children.map((child) => {
        const q = compileElasticsearch(child, names);
        return isScored(child) ? q : { bool: { filter: [q] } };
      });
      return should.length === 1 ? should[0]! : { bool: { should, minimum_should_match: 1 } };
    }
  }
}
