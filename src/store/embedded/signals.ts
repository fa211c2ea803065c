// MentionStore.scanSignals for the embedded store: a brand's mentions as compact records, oldest
// first, read in keyset pages on (published_at, doc) so a month of a busy brand streams in bounded
// memory. The JSON document is not parsed in JavaScript: SQLite extracts the few values alerts need,
// and the terms and fields come from the side tables the aggregations already keep.
import type Database from 'better-sqlite3';
import type { SentimentLabel } from '../../core/types.js';
import type { QueryNode } from '../../query/ast.js';
import { resolveFilters, resolveQuery, type ResolvedFilters } from '../request.js';
import type { MentionSignal, SignalScanRequest } from '../types.js';

/** The store's own plan of a query and filters: `FROM <from> WHERE <where…>`. */
export type PlanOf = (node: QueryNode, filters: ResolvedFilters) => { from: string; where: string[]; params: (string | number)[] };

const UNIT = '\u001f';
const PAIR = '\u001e';
export const TEXT_CHARS = 300;

interface Row {
  doc: number;
  id: string;
  published_at: number;
  author_key: string;
  sentiment_score: number;
  sentiment_label: string;
  lang: string;
  source: string;
  duplicate_of: string | null;
  text: string | null;
  url: string | null;
  fields: string | null;
  terms: string | null;
}

export async function* scanEmbeddedSignals(db: Database.Database, planOf: PlanOf, request: SignalScanRequest): AsyncGenerator<MentionSignal[]> {
  const plan = planOf(resolveQuery(request.query), resolveFilters({ brand: request.brand, from: request.from, to: request.to, duplicates: 'include' }));
  const pageSize = Math.max(1, Math.min(request.pageSize ?? 5000, 50_000));
  const where = [...plan.where, '(m.published_at, m.doc) > (?, ?)'];
  const sql =
    `SELECT m.doc, m.id, m.published_at, m.author_key, m.sentiment_score, m.sentiment_label, m.lang, m.source, m.duplicate_of, ` +
    `substr(coalesce(json_extract(m.json, '$.title') || char(10), '') || json_extract(m.json, '$.text'), 1, ${TEXT_CHARS}) AS text, ` +
    `json_extract(m.json, '$.url') AS url, ` +
    `(SELECT group_concat(f.field, '${UNIT}') FROM mention_fields f WHERE f.doc = m.doc) AS fields, ` +
    `(SELECT group_concat(t.term || '${PAIR}' || coalesce(t.label, ''), '${UNIT}') FROM mention_terms t WHERE t.doc = m.doc) AS terms ` +
    `FROM ${plan.from} WHERE ${where.join(' AND ')} ORDER BY m.published_at, m.doc LIMIT ?`;
  const statement = db.prepare(sql);
  let after: [number, number] = [-Infinity, -1];
  for (;;) {
    const rows = statement.all(...plan.params, after[0] === -Infinity ? Number.MIN_SAFE_INTEGER : after[0], after[1], pageSize) as Row[];
    if (rows.length === 0) return;
    yield rows.map(signalOf);
    const last = rows[rows.length - 1]!;
    after = [last.published_at, last.doc];
    if (rows.length < pageSize) return;
  }
}

function signalOf(r: Row): MentionSignal {
  const terms: string[] = [];
  let labels: Record<string, string> | undefined;
  if (r.terms) {
    for (const pair of r.terms.split(UNIT)) {
      const cut = pair.indexOf(PAIR);
      const term = cut < 0 ? pair : pair.slice(0, cut);
      const label = cut < 0 ? '' : pair.slice(cut + 1);
      terms.push(term);
      if (label !== '' && label !== term) (labels ??= {})[term] = label;
    }
  }
  return {
    id: r.id,
    publishedMs: r.published_at,
    authorKey: r.author_key,
    score: r.sentiment_score,
    label: r.sentiment_label as SentimentLabel,
    lang: r.lang,
    source: r.source,
    fields: r.fields ? r.fields.split(UNIT) : [],
    terms,
    ...(labels && { labels }),
    ...(r.duplicate_of !== null && { duplicateOf: r.duplicate_of }),
    text: r.text ?? '',
    ...(r.url !== null && { url: r.url }),
  };
}
