// fieldAuthors for the embedded store (the perceived image, issue 13): one grouped pass over the
// matching mentions' fields, per (field, author), folded by the shared FieldAuthorsFold.
import type Database from 'better-sqlite3';
import { FieldAuthorsFold } from '../field-authors.js';
import type { FieldAuthors } from '../types.js';

type Statement = Database.Statement<unknown[], unknown>;

/** The store's plan of a query and filters: `FROM <from> WHERE <where…>` with `params` in order. */
export interface FieldAuthorsPlan {
  from: string;
  where: readonly string[];
  params: readonly (string | number)[];
}

export function fieldAuthors(prepared: (sql: string) => Statement, plan: FieldAuthorsPlan): FieldAuthors {
  const where = plan.where.length === 0 ? '' : ` WHERE ${plan.where.join(' AND ')}`;
  const totals = prepared(`SELECT count(*) AS mentions, count(DISTINCT m.author_key) AS authors FROM ${plan.from}${where}`).get(...plan.params) as {
    mentions: number;
    authors: number;
  };
  const fold = new FieldAuthorsFold();
  // avg() leaves NULL tones out, and is NULL when the author has none on the field.
  const sql = `SELECT x.field, count(*), avg(x.tone) FROM ${plan.from} JOIN mention_fields x ON x.doc = m.doc${where} GROUP BY x.field, m.author_key`;
  for (const row of prepared(sql).raw().iterate(...plan.params) as IterableIterator<[string, number, number | null]>) {
    fold.add({ field: row[0], mentions: row[1], tone: row[2] });
  }
  return fold.result(totals.mentions, totals.authors);
}
