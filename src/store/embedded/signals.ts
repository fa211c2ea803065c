// MentionStore.scanSignals for the embedded store: a brand's mentions as compact records, oldest
// first, read in keyset pages on (published_at, doc) so a month of a busy brand streams in bounded
// memory. The JSON document is not parsed in JavaScript: SQLite extracts the few values alerts need,
// and the terms and fields come from the side tables the aggregations already keep.
import type Database from 'better-sqlite3';
import type { SentimentLabel } from '../../core/types.js';
import type { QueryNode } from '../../query/ast.js';
import { resolveFilters, resolveQuery, type ResolvedFilters } from '../request.js';
import type { MentionSignal, SignalScanRequest } from '../types.js';
import { compareBinary } from './column-reads.js';
import { COPY, type DocColumns } from './columns.js';

/** The store's own plan of a query and filters: `FROM <from> WHERE <where…>`. */
export type PlanOf = (node: QueryNode, filters: ResolvedFilters) => { from: string; where: string[]; params: (string | number)[]; tone: string; label: string };

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
  // terms: false (window metrics only): the terms subquery, most of each row's cost, is left out.
  const terms = request.terms === false ? 'NULL' : `(SELECT group_concat(t.term || '${PAIR}' || coalesce(t.label, ''), '${UNIT}') FROM mention_terms t WHERE t.doc = m.doc)`;
  const where = [...plan.where, '(m.published_at, m.doc) > (?, ?)'];
  const sql =
    `SELECT m.doc, m.id, m.published_at, m.author_key, ${plan.tone} AS sentiment_score, ${plan.label} AS sentiment_label, m.lang, m.source, m.duplicate_of, ` +
    `substr(coalesce(json_extract(m.json, '$.title') || char(10), '') || json_extract(m.json, '$.text'), 1, ${TEXT_CHARS}) AS text, ` +
    `json_extract(m.json, '$.url') AS url, ` +
    `(SELECT group_concat(f.field, '${UNIT}') FROM mention_fields f WHERE f.doc = m.doc) AS fields, ` +
    `${terms} AS terms ` +
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
  const { terms, labels } = termsFrom(r.terms);
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

/**
 * The same records from the in-memory columns (columns.ts): the matching docs are known at once
 * (no keyset walk over mentions_published per page), ordered by (published, doc) in code; each
 * page then reads only what the columns do not hold (id, author, copy-of, terms) for its docs by
 * key. Tone, label, language, source and fields come from the columns. The text and url (a JSON
 * parse per mention, most of the SQL path's time) are read when first asked for: an alert reads
 * them only for its few example candidates.
 */
export function* columnSignals(db: Database.Database, cols: DocColumns, matching: Int32Array, pageSize?: number, withTerms = true, brand?: string): Generator<MentionSignal[]> {
  const size = Math.max(1, Math.min(pageSize ?? 5000, 50_000));
  const docs = inTimeOrder(cols, matching);
  const inList = 'SELECT value FROM json_each(?)';
  const statements = (where: string) => ({
    // The id alone (the author is a column, copy-of is read for the few copies): SQLite then stops
    // reading each row before its JSON document, and duplicate_of (after it) is never reached.
    rows: db.prepare(`SELECT m.doc, m.id FROM mentions m WHERE m.doc ${where}`).raw(),
    // Terms and the labels that differ from their term apart: splitting one list is one native call.
    terms: db
      .prepare(
        `SELECT t.doc, group_concat(t.term, '${UNIT}'), group_concat(CASE WHEN t.label <> '' AND t.label <> t.term THEN t.term || '${PAIR}' || t.label END, '${UNIT}') ` +
          `FROM mention_terms t WHERE t.doc ${where} GROUP BY t.doc`,
      )
      .raw(),
  });
  // A page of docs close together (a brand's history written in time order) reads its doc range;
  // a scattered one reads its docs by key.
  const byRange = statements('BETWEEN ? AND ?');
  const byKey = statements(`IN (${inList})`);
  const copyOf = db.prepare('SELECT duplicate_of FROM mentions WHERE doc = ?').pluck();
  // emb16 (issue 12): when the matching docs are most of the mentions of their period (a brand's
  // history), a page's ids come from mentions_published (published_at, id), a covering index, over
  // the page's instants: a few bytes per entry instead of stepping over each mention's row (its
  // JSON shares the row's pages). The other mentions of those instants are read and left out.
  const idsByTime = db.prepare('SELECT m.doc, m.id FROM mentions m WHERE m.published_at BETWEEN ? AND ?').raw();
  const dense = docs.length > 0 && 4 * docs.length >= cols.count(cols.filter({ fromMs: cols.published[docs[0]!]!, toMs: cols.published[docs[docs.length - 1]!]! + 1, duplicates: 'include' }));
  const textOf = db.prepare(
    `SELECT substr(coalesce(json_extract(json, '$.title') || char(10), '') || json_extract(json, '$.text'), 1, ${TEXT_CHARS}), json_extract(json, '$.url') FROM mentions WHERE doc = ?`,
  ).raw();
  const loadText = (doc: number): { text: string; url: string | undefined } => {
    const r = textOf.get(doc) as [string | null, string | null] | undefined;
    return { text: r?.[0] ?? '', url: r?.[1] ?? undefined };
  };
  const fieldNames = new Map<number, readonly string[]>();
  const namesOf = (set: number): string[] => {
    let names = fieldNames.get(set);
    if (!names) {
      const found: string[] = [];
      for (let b = 0; b < 32; b++) if ((set & (1 << b)) !== 0) found.push(cols.fieldNames.values[b]!);
      // The SQL path's order: mention_fields_doc walks a doc's fields by name (BINARY).
      names = found.sort(compareBinary);
      fieldNames.set(set, names);
    }
    return [...names];
  };
  for (let at = 0; at < docs.length; at += size) {
    const page = docs.subarray(at, Math.min(docs.length, at + size));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < page.length; i++) {
      if (page[i]! < lo) lo = page[i]!;
      if (page[i]! > hi) hi = page[i]!;
    }
    const ranged = hi - lo + 1 <= 2 * page.length;
    const args = ranged ? [lo, hi] : [JSON.stringify(Array.from(page))];
    const st = ranged ? byRange : byKey;
    const byDoc = new Map<number, string>();
    const idRows = dense ? idsByTime.all(cols.published[page[0]!]!, cols.published[page[page.length - 1]!]!) : st.rows.all(...args);
    for (const r of idRows as [number, string][]) byDoc.set(r[0], r[1]);
    const termsOf = new Map<number, [number, string, string | null]>();
    // Without terms (SignalScanRequest.terms false), the terms query is not run.
    if (withTerms) for (const r of st.terms.all(...args) as [number, string, string | null][]) termsOf.set(r[0], r);
    const out: MentionSignal[] = [];
    for (let i = 0; i < page.length; i++) {
      const d = page[i]!;
      const id = byDoc.get(d);
      // Erased since the columns said it matched: as if the walk had reached it later.
      if (id === undefined) continue;
      const duplicateOf = (cols.flags[d]! & COPY) !== 0 ? (copyOf.get(d) as string | null) : null;
      const t = termsOf.get(d);
      const terms = t ? t[1].split(UNIT) : [];
      const labels = t && t[2] !== null ? labelsFrom(t[2]) : undefined;
      // Issue 16: the tone toward the brand scanned, where the mention has one.
      const toward = brand === undefined ? undefined : cols.brandToneOf(d, brand);
      out.push(
        new StoredSignal(
          {
            id,
            publishedMs: cols.published[d]!,
            authorKey: cols.authorKeys.values[cols.author[d]!]!,
            score: toward?.score ?? cols.score[d]!,
            label: toward?.label ?? (cols.sentiments.values[cols.sentiment[d]!] as SentimentLabel),
            lang: cols.langs.values[cols.lang[d]!]!,
            source: cols.sources.values[cols.source[d]!]!,
            fields: namesOf(cols.fields[d]!),
            terms,
            ...(labels && { labels }),
            ...(duplicateOf !== null && { duplicateOf }),
          },
          () => loadText(d),
        ),
      );
    }
    if (out.length > 0) yield out;
  }
}

/** A signal whose text and url are read from the store on first use (then kept). */
class StoredSignal implements MentionSignal {
  declare id: string;
  declare publishedMs: number;
  declare authorKey: string;
  declare score: number;
  declare label: SentimentLabel;
  declare lang: string;
  declare source: string;
  declare fields: string[];
  declare terms: string[];
  declare labels?: Record<string, string>;
  declare duplicateOf?: string;
  #load: (() => { text: string; url: string | undefined }) | undefined;
  #text: { text: string; url: string | undefined } | undefined;

  constructor(values: Omit<MentionSignal, 'text' | 'url'>, load: () => { text: string; url: string | undefined }) {
    Object.assign(this, values);
    this.#load = load;
  }

  get text(): string {
    return this.loaded().text;
  }

  get url(): string | undefined {
    return this.loaded().url;
  }

  /** A plain record (JSON.stringify and spreads see the text too). */
  toJSON(): MentionSignal {
    const { text, url } = this.loaded();
    return { ...this, text, ...(url !== undefined && { url }) };
  }

  private loaded(): { text: string; url: string | undefined } {
    if (!this.#text) {
      this.#text = this.#load!();
      this.#load = undefined;
    }
    return this.#text;
  }
}

/** Docs ordered by (published, doc); those from a column select are in doc order, usually time order already. */
function inTimeOrder(cols: DocColumns, docs: Int32Array): Int32Array {
  const p = cols.published;
  let sorted = true;
  for (let i = 1; i < docs.length; i++) {
    if (p[docs[i]!]! < p[docs[i - 1]!]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) return docs;
  return Int32Array.from(docs).sort((a, b) => p[a]! - p[b]! || a - b);
}

function labelsFrom(packed: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of packed.split(UNIT)) {
    const cut = pair.indexOf(PAIR);
    labels[pair.slice(0, cut)] = pair.slice(cut + 1);
  }
  return labels;
}

function termsFrom(packed: string | null): { terms: string[]; labels: Record<string, string> | undefined } {
  const terms: string[] = [];
  let labels: Record<string, string> | undefined;
  if (packed) {
    for (const pair of packed.split(UNIT)) {
      const cut = pair.indexOf(PAIR);
      const term = cut < 0 ? pair : pair.slice(0, cut);
      const label = cut < 0 ? '' : pair.slice(cut + 1);
      terms.push(term);
      if (label !== '' && label !== term) (labels ??= {})[term] = label;
    }
  }
  return { terms, labels };
}
