// The boolean query language's own AST. It is backend-neutral on purpose: the matcher (brand
// matching in the analyze stage), the SQLite FTS5 translator and a later Elasticsearch translator
// all start from it, so a query means the same thing wherever it runs.
import { EcouteError } from '../core/errors.js';

/** Fields a query may name (`lang:fr`, `source:reddit`, `brand:acme`, `sentiment:negative`). */
export const QUERY_FIELDS = ['lang', 'source', 'brand', 'sentiment'] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];

export type QueryNode =
  /** One word, lower-cased, accents kept (stemmers need them); backends fold it and expand it to
   *  its indexed forms (termForms), so "deliveries" also finds "delivery". */
  | { type: 'term'; word: string }
  /** Consecutive words, folded (foldedWords): exact forms, no lemma expansion. */
  | { type: 'phrase'; words: string[] }
  | { type: 'and'; children: QueryNode[] }
  | { type: 'or'; children: QueryNode[] }
  | { type: 'not'; child: QueryNode }
  | { type: 'field'; field: QueryField; value: string }
  /** The empty query: matches everything. */
  | { type: 'all' };

/** A query the language does not accept; the message names what and where. */
export class QuerySyntaxError extends EcouteError {
  declare readonly code: 'QUERY_SYNTAX';
  /** 0-based offset in the query text, when known. */
  readonly offset: number | undefined;

  constructor(message: string, offset?: number) {
    super('QUERY_SYNTAX', message);
    this.name = 'QuerySyntaxError';
    this.offset = offset;
  }
}

/** The fields a query names anywhere, negated or not (`acme NOT source:reddit` names source). */
export function fieldsOf(node: QueryNode, into = new Set<QueryField>()): Set<QueryField> {
  switch (node.type) {
    case 'field':
      into.add(node.field);
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
