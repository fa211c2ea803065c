// AST → SQLite: an FTS5 MATCH expression for the text part, plus an SQL condition for what FTS5
// cannot say (fields, a query that is only negative, OR across text and fields).
//
// Safety: user text never reaches SQL text. Every FTS5 token is a double-quoted string (quotes
// doubled), and the MATCH expression and every field value travel as bound parameters.
//
// The FTS table has two columns: `text` (title + text, unicode61 with diacritics removed, so case
// and accents fold like fold()) and `lemmas` (analysis.lemmas, space-joined, one token per lemma
// token, with positions). A term searches its folded form in `text` and its indexed forms
// (indexedForms: lemma, stem, derivational family) in `lemmas`; a phrase searches `text`; a
// wildcard is an FTS5 prefix query on both columns; a proximity is counted on `lemmas` (FTS5 NEAR
// between the sides' lemma forms, see sidePhrases), as the matcher counts it.
//
// What FTS5 and plain SQL cannot say is checked in code by the in-memory matcher itself, through
// the SQL function ecoute_query_match(node, json) the store registers (registerQueryFunctions):
// ordered proximity and proximity between groups (FTS5's NEAR only takes phrases, either order),
// title:, site:, author:, field: and flag:. FTS5 still narrows first: a proximity is only checked
// on rows whose lemmas hold both sides (FTS5 NEAR itself when both sides are plain words, phrases or
// wildcards and the order does not matter). Both run the same code as brand matching, so the
// three agree by construction.
import type Database from 'better-sqlite3';
import type { AnalyzedMention } from '../../core/types.js';
import { remember } from '../../core/bounded-cache.js';
import { fold, foldedWords } from '../../nlp/normalize.js';
import type { QueryNode } from '../ast.js';
import { indexedForms, lemmaAlternatives, phrasePositions } from '../forms.js';
import { compileMatcher, mentionMatchDoc, type Matcher } from '../match.js';

export interface SqlFragment {
  sql: string;
  params: (string | number)[];
}

export interface SqliteQuery {
  /** FTS5 expression every hit matches; bind it to `<fts> MATCH ?`. Absent: no positive text part. */
  match?: string;
  /** Further condition on the mention row (columns of `SqliteNames`); absent means true. */
  where?: SqlFragment;
}

/** Names of the tables and columns the generated SQL refers to. */
export interface SqliteNames {
  /** The mention's integer key, also the FTS rowid, e.g. `m.doc`. */
  doc: string;
  fts: string;
  /** Table (doc, brand). */
  brands: string;
  lang: string;
  source: string;
  sentiment: string;
  publishedMs: string;
  /** The whole AnalyzedMention as JSON, for the checks in code. */
  json: string;
}

export const DEFAULT_SQLITE_NAMES: SqliteNames = {
  doc: 'm.doc',
  fts: 'mentions_fts',
  brands: 'mention_brands',
  lang: 'm.lang',
  source: 'm.source',
  sentiment: 'm.sentiment_label',
  publishedMs: 'm.published_at',
  json: 'm.json',
};

/** The SQL function name of the in-code check. */
export const QUERY_MATCH_FUNCTION = 'ecoute_query_match';

const matchers = new Map<string, Matcher>();

/**
 * Registers ecoute_query_match(node JSON, mention JSON) → 1 | 0 on a connection: the matcher of
 * the node (compiled once per distinct node) run on the stored mention.
 */
export function registerQueryFunctions(db: Database.Database): void {
  db.function(QUERY_MATCH_FUNCTION, { deterministic: true }, (nodeJson: unknown, json: unknown) => {
    if (typeof nodeJson !== 'string' || typeof json !== 'string') return 0;
    let matcher = matchers.get(nodeJson);
    if (!matcher) matcher = remember(matchers, nodeJson, compileMatcher(JSON.parse(nodeJson) as QueryNode), 1000);
    return matcher(mentionMatchDoc(JSON.parse(json) as AnalyzedMention)) ? 1 : 0;
  });
}

function inCode(node: QueryNode, names: SqliteNames): SqlFragment {
  return { sql: `${QUERY_MATCH_FUNCTION}(?, ${names.json}) = 1`, params: [JSON.stringify(node)] };
}

/** FTS5 prefix query of a folded word on one column. */
function prefixExpression(column: string, prefix: string): string {
  return `${column} : ${ftsString(prefix)} *`;
}

/** At most this many FTS5 phrases stand for one proximity side; more go to the check in code. */
const MAX_SIDE_PHRASES = 16;
/** At most this many NEAR groups (left alternatives × right ones) for one native proximity. */
const MAX_NEAR_GROUPS = 64;

/**
 * The FTS5 phrases (on the `lemmas` column) one of which a plain proximity side matches at a
 * position: a word's lemmaAlternatives, a wildcard, a phrase's positions multiplied out. Undefined
 * for a group, or when there would be too many.
 */
function sidePhrases(node: QueryNode): string[] | undefined {
  if (node.type === 'term') return lemmaAlternatives(node.word).map((seq) => ftsString(seq.join(' ')));
  if (node.type === 'prefix') return [`${ftsString(node.prefix)} *`];
  if (node.type === 'phrase') {
    let phrases: string[][] = [[]];
    for (const alternatives of phrasePositions(node.words, node.written)) {
      phrases = phrases.flatMap((p) => alternatives.map((a) => [...p, a]));
      if (phrases.length > MAX_SIDE_PHRASES) return undefined;
    }
    return phrases.length > 0 && phrases[0]!.length > 0 ? phrases.map((p) => ftsString(p.join(' '))) : undefined;
  }
  return undefined;
}

/** The conditions a row matching a chain of proximities meets: one per side, not nested. */
function sideConjuncts(node: QueryNode): string[] {
  return node.type === 'near' ? node.children.flatMap(sideConjuncts) : [sideFilter(node)];
}

/**
 * FTS5 expression every row matching a proximity side has in its `lemmas` column. A chain of
 * proximities is one flat AND (FTS5's parser overflows on about a hundred nested parentheses).
 */
function sideFilter(node: QueryNode): string {
  switch (node.type) {
    case 'or':
      return `(${node.children.map(sideFilter).join(' OR ')})`;
    case 'near':
      return `(${sideConjuncts(node).join(' AND ')})`;
    case 'phrase': {
      const phrases = sidePhrases(node);
      if (phrases) return `(${phrases.map((p) => `lemmas : ${p}`).join(' OR ')})`;
      // Too many combinations: each position's forms, in any order (the check in code decides).
      const positions = phrasePositions(node.words, node.written);
      return `(${positions.map((alts) => `(${alts.map((a) => `lemmas : ${ftsString(a)}`).join(' OR ')})`).join(' AND ')})`;
    }
    default: {
      const phrases = sidePhrases(node);
      return phrases === undefined || phrases.length === 0 ? '""' : `(${phrases.map((p) => `lemmas : ${p}`).join(' OR ')})`;
    }
  }
}

/** Quotes one FTS5 string: the tokenizer then reads it as a phrase of its tokens. */
export function ftsString(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** FTS5 expression of one term. */
export function termExpression(word: string): string {
  const parts = [`text : ${ftsString(fold(word))}`];
  for (const form of indexedForms(word)) parts.push(`lemmas : ${ftsString(form)}`);
  return `(${parts.join(' OR ')})`;
}

/**
 * A compiled sub-query: the conjunction of `fts` (must all match), `neg` (none may match) and
 * `sql` (all true). All three empty: matches everything.
 */
interface Compiled {
  fts: string[];
  neg: string[];
  sql: SqlFragment[];
}

const ALL: Compiled = { fts: [], neg: [], sql: [] };

export function compileSqlite(node: QueryNode, names: SqliteNames = DEFAULT_SQLITE_NAMES): SqliteQuery {
  const c = compile(node, names);
  const result: SqliteQuery = {};
  if (c.fts.length > 0) {
    result.match = ftsOf(c);
    const where = andSql(c.sql);
    if (where) result.where = where;
  } else {
    const where = toSql({ ...c, fts: [] }, names);
    if (where.sql !== '1') result.where = where;
  }
  return result;
}

/** FTS5 expression of a compiled part that has positive text (and maybe negations). */
function ftsOf(c: Compiled): string {
  const positive = c.fts.length === 1 ? c.fts[0]! : `(${c.fts.join(' AND ')})`;
  // FTS5's NOT is binary (`a NOT b`), which is why a positive part is needed here.
  if (c.neg.length === 0) return positive;
  return `(${positive} NOT ${c.neg.length === 1 ? c.neg[0]! : `(${c.neg.join(' OR ')})`})`;
}

function isFtsOnly(c: Compiled): boolean {
  return c.fts.length > 0 && c.sql.length === 0;
}

function isAll(c: Compiled): boolean {
  return c.fts.length === 0 && c.neg.length === 0 && c.sql.length === 0;
}

function andSql(parts: SqlFragment[]): SqlFragment | undefined {
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0]!;
  return { sql: parts.map((p) => `(${p.sql})`).join(' AND '), params: parts.flatMap((p) => p.params) };
}

/** The whole compiled part as one SQL condition. */
function toSql(c: Compiled, names: SqliteNames): SqlFragment {
  const parts: SqlFragment[] = [];
  const inFts = `SELECT rowid FROM ${names.fts} WHERE ${names.fts} MATCH ?`;
  if (c.fts.length > 0) {
    parts.push({ sql: `${names.doc} IN (${inFts})`, params: [ftsOf(c)] });
  } else if (c.neg.length > 0) {
    const any = c.neg.length === 1 ? c.neg[0]! : `(${c.neg.join(' OR ')})`;
    parts.push({ sql: `${names.doc} NOT IN (${inFts})`, params: [any] });
  }
  parts.push(...c.sql);
  return andSql(parts) ?? { sql: '1', params: [] };
}

function compile(node: QueryNode, names: SqliteNames): Compiled {
  switch (node.type) {
    case 'all':
      return ALL;
    case 'term':
      return { fts: [termExpression(node.word)], neg: [], sql: [] };
    case 'phrase': {
      const words = node.words.flatMap((w) => foldedWords(w));
      if (words.length === 0) return { fts: [], neg: [], sql: [{ sql: '0', params: [] }] };
      return { fts: [`text : ${ftsString(words.join(' '))}`], neg: [], sql: [] };
    }
    case 'prefix':
      return { fts: [`(${prefixExpression('text', node.prefix)} OR ${prefixExpression('lemmas', node.prefix)})`], neg: [], sql: [] };
    case 'near': {
      const [a, b] = node.children.map(sidePhrases);
      // FTS5 NEAR counts the tokens between two phrases in either order: exactly NEAR/n, on the
      // lemma tokens, one NEAR group per pair of alternatives.
      if (!node.ordered && a !== undefined && b !== undefined && a.length * b.length <= MAX_NEAR_GROUPS) {
        const groups = a.flatMap((x) => b.map((y) => `lemmas : NEAR(${x} ${y}, ${node.distance})`));
        return { fts: [groups.length === 1 ? groups[0]! : `(${groups.join(' OR ')})`], neg: [], sql: [] };
      }
      return { fts: [sideFilter(node)], neg: [], sql: [inCode(node, names)] };
    }
    case 'title':
      return { fts: [], neg: [], sql: [inCode(node, names)] };
    case 'range': {
      const column = node.field === 'rating' ? `json_extract(${names.json}, '$.rating')` : names.publishedMs;
      const parts: SqlFragment[] = [];
      // A missing or non-numeric rating is no rating: the matcher requires a number too.
      if (node.field === 'rating') parts.push({ sql: `json_type(${names.json}, '$.rating') IN ('integer', 'real')`, params: [] });
      if (node.min !== undefined) parts.push({ sql: `${column} >= ?`, params: [node.min] });
      if (node.max !== undefined) parts.push({ sql: node.field === 'rating' ? `${column} <= ?` : `${column} < ?`, params: [node.max] });
      // One fragment, NULL-free: a missing rating must make NOT (rating:...) true, not NULL.
      return { fts: [], neg: [], sql: [{ sql: `coalesce(${parts.map((p) => p.sql).join(' AND ')}, 0)`, params: parts.flatMap((p) => p.params) }] };
    }
    case 'field': {
      if (node.field === 'author' || node.field === 'site' || node.field === 'field' || node.field === 'flag') {
        return { fts: [], neg: [], sql: [inCode(node, names)] };
      }
      if (node.field === 'brand') {
        return { fts: [], neg: [], sql: [{ sql: `${names.doc} IN (SELECT doc FROM ${names.brands} WHERE brand = ?)`, params: [node.value] }] };
      }
      const column = node.field === 'lang' ? names.lang : node.field === 'source' ? names.source : names.sentiment;
      return { fts: [], neg: [], sql: [{ sql: `${column} = ?`, params: [node.value] }] };
    }
    case 'and': {
      const out: Compiled = { fts: [], neg: [], sql: [] };
      for (const child of node.children) {
        const c = compile(child, names);
        out.fts.push(...c.fts);
        out.neg.push(...c.neg);
        out.sql.push(...c.sql);
      }
      return out;
    }
    case 'or': {
      const children = node.children.map((c) => compile(c, names));
      if (children.some(isAll)) return ALL;
      if (children.every(isFtsOnly)) return { fts: [`(${children.map(ftsOf).join(' OR ')})`], neg: [], sql: [] };
      const parts = children.map((c) => toSql(c, names));
      return {
        fts: [],
        neg: [],
        sql: [{ sql: parts.map((p) => `(${p.sql})`).join(' OR '), params: parts.flatMap((p) => p.params) }],
      };
    }
    case 'not': {
      const c = compile(node.child, names);
      if (isAll(c)) return { fts: [], neg: [], sql: [{ sql: '0', params: [] }] };
      if (isFtsOnly(c)) return { fts: [], neg: [ftsOf(c)], sql: [] };
      // NOT (none of n1, n2) = any of them.
      if (c.fts.length === 0 && c.sql.length === 0) return { fts: [`(${c.neg.join(' OR ')})`], neg: [], sql: [] };
      const inner = toSql(c, names);
      return { fts: [], neg: [], sql: [{ sql: `NOT (${inner.sql})`, params: inner.params }] };
    }
  }
}
