// The boolean query language's own AST. It is backend-neutral on purpose: the matcher (brand
// matching in the analyze stage), the SQLite FTS5 translator and a later Elasticsearch translator
// all start from it, so a query means the same thing wherever it runs.
import { EcouteError } from '../core/errors.js';

/** Fields a query may name (`lang:fr`, `source:reddit`, `brand:acme`, `sentiment:negative`...). */
export const QUERY_FIELDS = ['lang', 'source', 'brand', 'sentiment', 'author', 'field', 'title', 'site', 'rating', 'date', 'flag'] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];

/** Fields compared with one exact value (a `field` node). */
export type ValueField = 'lang' | 'source' | 'brand' | 'sentiment' | 'author' | 'field' | 'site' | 'flag';
/** Flags `flag:` may name, and the AnalysisFlags key each reads. */
export const QUERY_FLAGS = { question: 'question', irony: 'ironySuspected', profanity: 'profanity' } as const;
export type QueryFlag = keyof typeof QUERY_FLAGS;

/** Bounds the parser enforces, so that no query makes a backend recurse or expand without end. */
export const QUERY_LIMITS = { maxDepth: 32, maxOperands: 1000, maxDistance: 100, maxLength: 100_000 } as const;

export type QueryNode =
  /** One word, lower-cased, accents kept (stemmers need them); backends fold it and expand it to
   *  its indexed forms (termForms), so "deliveries" also finds "delivery". */
  | { type: 'term'; word: string }
  /**
   * Consecutive words, folded (foldedWords): exact forms, no lemma expansion. `written`: the same
   * words lower-cased with their accents, when they have any (a proximity compares their lemmas).
   */
  | { type: 'phrase'; words: string[]; written?: string[] }
  | { type: 'and'; children: QueryNode[] }
  | { type: 'or'; children: QueryNode[] }
  | { type: 'not'; child: QueryNode }
  /** A suffix wildcard (`livr*`): a word of the text or a lemma starting with `prefix` (folded, >= 3 chars). */
  | { type: 'prefix'; prefix: string }
  /**
   * Proximity: both children within `distance` words of each other (words between them), in
   * either order, or left before right when `ordered` (`ONEAR/n`). Counted on the words of the
   * text: children are words (their folded form), phrases, wildcards, OR groups of those, or
   * nested proximities.
   */
  | { type: 'near'; distance: number; ordered: boolean; children: [QueryNode, QueryNode] }
  | { type: 'field'; field: ValueField; value: string }
  /** `title:` words: consecutive folded words of the title. */
  | { type: 'title'; words: string[] }
  /**
   * A numeric range: `rating` on the stored 0..1 scale (stars s → (s - 1) / 4), `date` on epoch ms
   * of publishedAt. Bounds absent are open; `min` inclusive, `max` inclusive for rating, exclusive
   * for date (the end of the last day).
   */
  | { type: 'range'; field: 'rating' | 'date'; min?: number; max?: number }
  /** The empty query: matches everything. */
  | { type: 'all' };

/** A query the language does not accept; the message names what and where. */
export class QuerySyntaxError extends EcouteError {
  declare readonly code: 'QUERY_SYNTAX';
  /** 0-based offset in the query text, when known. */
  readonly offset: number | undefined;
  /** 1-based column on its line (what the message says), when known. */
  readonly column: number | undefined;

  constructor(message: string, offset?: number, column?: number) {
    super('QUERY_SYNTAX', message);
    this.name = 'QuerySyntaxError';
    this.offset = offset;
    this.column = column ?? (offset === undefined ? undefined : offset + 1);
  }
}

/** The fields a query names anywhere, negated or not (`acme NOT source:reddit` names source). */
export function fieldsOf(node: QueryNode, into = new Set<QueryField>()): Set<QueryField> {
  switch (node.type) {
    case 'field':
      into.add(node.field);
      break;
    case 'title':
      into.add('title');
      break;
    case 'range':
      into.add(node.field);
      break;
    case 'near':
      for (const child of node.children) fieldsOf(child, into);
      break;
    case 'and':
    case 'or':
      for (const child of node.children) fieldsOf(child, into);
      break;
    case 'not':
      fieldsOf(node.child, into);
      break;
    default:
      break;
  }
  return into;
}
