// Request building: the bulk bodies of an upsert (split by size, each item's ops kept together and
// in order) and the bool query of a search, count or aggregation.
import type { QueryNode } from '../../query/ast.js';
import { compileElasticsearch, isScored, MATCH_ALL, type EsQuery } from '../../query/compile/elasticsearch.js';
import type { ResolvedFilters } from '../request.js';
import { FIELDS } from './schema.js';
import { labelTowardFilter } from './brand-tone.js';

/** One mention to write. */
export interface Work {
  /** Position in the upsert input. */
  at: number;
  id: string;
  index: string;
  /** The encoded document (schema.ts toDocument). */
  doc: string;
  /** A copy of the mention was stored before this item was written. */
  existedBefore: boolean;
  status?: 'created' | 'updated';
  /** The mention's contentHash, compared with the stored one's. */
  hash?: string | undefined;
}

/** One op of a bulk request: which item it belongs to, and what it does where. */
export interface BulkOp {
  item: number;
  kind: 'delete' | 'index';
  index: string;
}

export interface BulkChunk {
  lines: string[];
  ops: BulkOp[];
}

/**
 * For each item, deletes of its copies in other months (an update that moved its publishedAt to
 * another month), then the index op; split into requests of at most `maxBytes`.
 */
export function bulkChunks(pending: Work[], known: Map<string, Set<string>>, maxBytes: number): BulkChunk[] {
  const chunks: BulkChunk[] = [];
  let chunk: BulkChunk = { lines: [], ops: [] };
  let bytes = 0;
  pending.forEach((w, k) => {
    const lines: string[] = [];
    const ops: BulkOp[] = [];
    for (const other of known.get(w.id) ?? []) {
      if (other === w.index) continue;
      lines.push(JSON.stringify({ delete: { _index: other, _id: w.id } }));
      ops.push({ item: k, kind: 'delete', index: other });
    }
    lines.push(JSON.stringify({ index: { _index: w.index, _id: w.id } }), w.doc);
    ops.push({ item: k, kind: 'index', index: w.index });
    const size = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    // An item's ops stay in one request, in order (they are on the same shards only per index).
    if (chunk.ops.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = { lines: [], ops: [] };
      bytes = 0;
    }
    chunk.lines.push(...lines);
    chunk.ops.push(...ops);
    bytes += size;
  });
  if (chunk.ops.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * A query and filters as one bool query (filters in filter context: they do not score). The query
 * itself scores only when `scored` (a search sorted by relevance): every other read (aggregations,
 * counts, newest-first pages, exports) uses no score, and in filter context Elasticsearch skips
 * scoring and may keep the clauses' matches in its query cache, shared by the dashboard's reads
 * of one query (facets, timeline, terms) (speed-es).
 */
export function filteredQuery(node: QueryNode, f: ResolvedFilters, scored = false): EsQuery {
  const filter: EsQuery[] = [];
  if (f.brand !== undefined) filter.push({ term: { [FIELDS.brands]: f.brand } });
  if (f.lang !== undefined) filter.push({ term: { [FIELDS.lang]: f.lang } });
  if (f.source !== undefined) filter.push({ term: { [FIELDS.source]: f.source } });
  // Issue 16: with a brand, the tone toward the brand.
  if (f.sentiment !== undefined) filter.push(f.brand !== undefined ? labelTowardFilter(f.brand, f.sentiment) : { term: { [FIELDS.sentiment]: f.sentiment } });
  if (f.fromMs !== undefined || f.toMs !== undefined) {
    filter.push({ range: { [FIELDS.publishedMs]: { ...(f.fromMs !== undefined && { gte: f.fromMs }), ...(f.toMs !== undefined && { lt: f.toMs }) } } });
  }
  // A document without duplicateOf (written before the analyze stage marked near-duplicates, or
  // simply not a copy) is an original: `exists` is false for it.
  if (f.duplicates === 'exclude') filter.push({ bool: { must_not: [{ exists: { field: FIELDS.duplicateOf } }] } });
  else if (f.duplicates === 'only') filter.push({ exists: { field: FIELDS.duplicateOf } });
  const q = compileElasticsearch(node);
  if (filter.length === 0) return scored || q === MATCH_ALL || node.type === 'all' ? q : { bool: { filter: [q] } };
  if (q === MATCH_ALL || node.type === 'all') return { bool: { filter } };
  return scored && isScored(node) ? { bool: { must: [q], filter } } : { bool: { filter: [q, ...filter] } };
}
