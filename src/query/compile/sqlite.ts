// AST → SQLite: an FTS5 MATCH expression for the text part, plus an SQL condition for what FTS5
// cannot say (fields, a query that is only negative, OR across text and fields).
//
// Safety: user text never reaches SQL text. Every FTS5 token is a double-quoted string (quotes
// doubled), and the MATCH expression and every field value travel as bound parameters.
//
// The FTS table has two columns: `text` (title + text, unicode61 with diacritics removed, so case
// and accents fold like fold()) and `lemmas` (analysis.lemmas, space-joined). A term searches its
// folded form in `text` and its indexed forms (termForms) in `lemmas`; a phrase searches `text`.
import { fold, foldedWords } from '../../nlp/normalize.js';
import type { QueryNode } from '../ast.js';
import { indexedForms } from '../forms.js';

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
}

export const DEFAULT_SQLITE_NAMES: SqliteNames = {
  doc: 'm.doc',
  fts: 'mentions_fts',
  brands: 'mention_brands',
  lang: 'm.lang',
  source: 'm.source',
  sentiment: 'm.sentiment_label',
};

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
    case 'field': {
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
