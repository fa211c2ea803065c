// fieldAuthors for the embedded store (the perceived image, issue 13): one grouped pass over the
// matching mentions' fields, per (field, author), folded by the shared FieldAuthorsFold.
import type Database from 'better-sqlite3';
import { FieldAuthorsFold } from '../field-authors.js';
import { compareBinary, distinctAuthors } from './column-reads.js';
import type { DocColumns } from './columns.js';

import type { FieldAuthors } from '../types.js';

type Statement = Database.Statement<unknown[], unknown>;

/** The store's plan of a query and filters: `FROM <from> WHERE <where…>` with `params` in order. */
export interface FieldAuthorsPlan {
  from: string;
  where: readonly string[];
  params: readonly (string | number)[];
  /** Issue 16: the SQL of a field tone's sign toward the filtered brand (× x.tone); '1' without one. */
  fieldSign?: string;
}

export function fieldAuthors(prepared: (sql: string) => Statement, plan: FieldAuthorsPlan): FieldAuthors {
  const where = plan.where.length === 0 ? '' : ` WHERE ${plan.where.join(' AND ')}`;
  const totals = prepared(`SELECT count(*) AS mentions, count(DISTINCT m.author_key) AS authors FROM ${plan.from}${where}`).get(...plan.params) as {
    mentions: number;
    authors: number;
  };
  const fold = new FieldAuthorsFold();
  // avg() leaves NULL tones out, and is NULL when the author has none on the field.
  const sql = `SELECT x.field, count(*), avg(x.tone * ${plan.fieldSign ?? '1'}) FROM ${plan.from} JOIN mention_fields x ON x.doc = m.doc${where} GROUP BY x.field, m.author_key`;
  for (const row of prepared(sql).raw().iterate(...plan.params) as IterableIterator<[string, number, number | null]>) {
    fold.add({ field: row[0], mentions: row[1], tone: row[2] });
  }
  return fold.result(totals.mentions, totals.authors);
}

/**
 * The same from the in-memory columns: the matching docs, their authors, their fields and each
 * field's tone (columns.ts, the tone pool) are all in memory, so each field present among the docs
 * is one loop over them, grouped per author code, instead of SQLite joining and sorting every
 * (field, author key) pair. Per author, SQLite's avg (compensated sum of the non-NULL tones) over
 * the tones in doc order, as the SQL path reads mention_fields (primary key (field, doc)); rows
 * folded in the SQL path's order (field, then author key).
 */
export function fieldAuthorsFromColumns(cols: DocColumns, matching: Int32Array): FieldAuthors {
  const fold = new FieldAuthorsFold();
  const docs = inDocOrder(matching);
  let present = 0;
  for (let i = 0; i < docs.length; i++) present |= cols.fields[docs[i]!]!;
  const names: { name: string; bit: number }[] = [];
  for (let b = 0; b < 32; b++) if ((present & (1 << b)) !== 0) names.push({ name: cols.fieldNames.values[b]!, bit: (1 << b) >>> 0 });
  names.sort((x, y) => compareBinary(x.name, y.name));
  const { author, fields } = cols;
  const keys = cols.authorKeys.values;
  // Per author code: mentions, toned mentions, and the compensated sum of tones (as CompensatedSum).
  const n = keys.length;
  const mentions = new Int32Array(n);
  const toned = new Int32Array(n);
  const sum = new Float64Array(n);
  const err = new Float64Array(n);
  const order = cols.authorOrder();
  for (const { name: field, bit } of names) {
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i]!;
      if ((fields[doc]! & bit) === 0) continue;
      const a = author[doc]!;
      mentions[a]!++;
      const tone = cols.toneOf(doc, bit);
      if (!Number.isNaN(tone)) {
        toned[a]!++;
        const s0 = sum[a]!;
        const t = s0 + tone;
        err[a]! += Math.abs(s0) > Math.abs(tone) ? s0 - t + tone : tone - t + s0;
        sum[a] = t;
      }
    }
    // The field's authors in BINARY order of their keys: every code in that order, those with mentions.
    for (let k = 0; k < order.length; k++) {
      const a = order[k]!;
      if (mentions[a] === 0) continue;
      fold.add({ field, mentions: mentions[a]!, tone: toned[a]! > 0 ? (sum[a]! + err[a]!) / toned[a]! : null });
      mentions[a] = 0;
      toned[a] = 0;
      sum[a] = 0;
      err[a] = 0;
    }
  }
  return fold.result(docs.length, distinctAuthors(cols, docs));
}

/** The docs ascending (a column select gives them so; FTS candidates may not be). */
function inDocOrder(docs: Int32Array): Int32Array {
  for (let i = 1; i < docs.length; i++) if (docs[i]! < docs[i - 1]!) return Int32Array.from(docs).sort();
  return docs;
}
